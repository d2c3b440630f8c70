"""The one permission check services make before they write."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from caremarket.common.actors import Actor
from caremarket.common.errors import NotPermitted


def require(actor: Actor | None, perm: str, obj: Any, message: str) -> None:
    """Refuse unless the actor has the permission; actor None is the platform itself
    (imports, demo data, scheduled jobs)."""
    if actor is not None and not actor.has_perm(perm, obj):
        raise NotPermitted(message)


def require_visible(user: Any, perm: str, obj: Any = None) -> None:
    """For pages and the API: what the person may not use is not even confirmed to exist."""
    if not user.has_perm(perm, obj):
        raise Http404
