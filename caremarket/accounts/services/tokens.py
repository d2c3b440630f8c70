"""API tokens: created, revoked, and touched when used."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction

from caremarket.accounts.models import (
    ApiToken,
    User,
)
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotPermitted, ValidationFailed

TOKEN_PREFIX = "cm_"  # noqa: S105 (a public prefix, not a secret)


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User, name: str, now: dt.datetime) -> tuple[ApiToken, str]:
    """Returns the token and its secret, which is shown once and never stored."""
    if not name.strip():
        raise ValidationFailed(
            {"name": ["Give the token a name, such as the system that will use it."]}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:100],
        prefix=raw[:10],
        key_hash=_hash_key(raw),
        created_at=now,
    )
    audit_record(
        actor=actor, action="api_token.created", obj=token, data={"name": token.name}, at=now
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken, now: dt.datetime) -> ApiToken:
    if token.user_id != actor.pk:
        raise NotPermitted("You can only revoke your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoked", obj=token, at=now)
    return token


def api_token_touch(*, token: ApiToken, now: dt.datetime) -> None:
    # Not audited: a read, recorded at most once a minute to keep API calls cheap.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def api_token_hash(raw: str) -> str:
    return _hash_key(raw)
