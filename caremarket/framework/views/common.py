from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from caremarket.common.permissions import require_visible
from caremarket.framework.models import Provider


def visible_provider(request: HttpRequest, pk: int) -> Provider:
    provider = get_object_or_404(Provider.objects.select_related("organisation"), pk=pk)
    require_visible(request.user, "framework.view_provider", provider)
    return provider
