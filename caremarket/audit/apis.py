from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from caremarket.audit import selectors
from caremarket.common.errors import NotPermitted
from caremarket.common.pagination import Pagination

router = Router(tags=["Audit trail"])


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    data: dict[str, Any]


@router.get(
    "/audit-events",
    response=list[AuditEventOut],
    summary="The audit trail (council administrators)",
)
@paginate(Pagination)
def audit_event_list(
    request: HttpRequest,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
) -> object:
    if not request.user.has_perm("audit.view_trail"):
        raise NotPermitted("Only council administrators can read the audit trail.")
    return selectors.audit_event_list(
        object_type=object_type, object_id=object_id, actor_id=actor_id, action=action
    )
