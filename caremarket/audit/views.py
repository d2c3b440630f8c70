from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from caremarket.audit import selectors


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("audit.view_trail"):
        raise Http404
    actor = request.GET.get("actor", "")
    object_type = request.GET.get("object_type") or None
    object_id = request.GET.get("object_id") or None
    actor_id = int(actor) if actor.isdigit() else None
    action = request.GET.get("action") or None
    events = selectors.audit_event_list(
        object_type=object_type, object_id=object_id, actor_id=actor_id, action=action
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {
            "page": page,
            "filters": {
                "object_type": object_type,
                "object_id": object_id,
                "actor_id": actor_id,
                "action": action,
            },
            "object_types": selectors.audit_object_types(),
        },
    )
