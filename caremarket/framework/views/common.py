from __future__ import annotations

from django.db.models import Model
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from caremarket.framework.models import Provider


def require_perm(request: HttpRequest, perm: str, obj: Model | None = None) -> None:
    # What the person may not use is not even confirmed to exist.
    if not request.user.has_perm(perm, obj):
        raise Http404


def visible_provider(request: HttpRequest, pk: int) -> Provider:
    provider = get_object_or_404(Provider.objects.select_related("organisation"), pk=pk)
    require_perm(request, "framework.view_provider", provider)
    return provider
