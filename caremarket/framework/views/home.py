from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from caremarket.common.permissions import require_visible
from caremarket.framework.selectors.providers import branch_change_request_list, provider_for_user
from caremarket.framework.selectors.ranked_lists import ranked_list_version_in_force


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.view_framework")
    manager = request.user.has_perm("framework.manage_framework")
    return render(
        request,
        "framework/home.html",
        {
            "in_force": ranked_list_version_in_force(on=timezone.localdate()),
            "own_provider": provider_for_user(user=request.user),
            "pending_requests": branch_change_request_list(status="pending").count()
            if manager
            else None,
        },
    )
