"""Passwords: set by the person, or reset through an e-mailed link."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from caremarket.accounts import selectors
from caremarket.accounts.models import User
from caremarket.accounts.services.common import (
    NOT_PERMITTED_USERS,
    password_email_send,
    password_validate,
)
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotPermitted
from caremarket.common.permissions import require


@transaction.atomic
def user_send_password_reset(*, actor: User | None, user: User, now: dt.datetime) -> None:
    require(actor, "accounts.manage_user", user, NOT_PERMITTED_USERS)
    audit_record(actor=actor, action="user.password_reset_sent", obj=user, at=now)
    transaction.on_commit(lambda: password_email_send(user, subject="reset"))


@transaction.atomic
def user_password_reset_request(
    *, email: str, client_address: str, now: dt.datetime
) -> User | None:
    """Someone asked for a reset link for this e-mail: send it, if an active account has it.

    The page answers the same either way, so it never tells whether an address has an account.
    The link is built from SITE_URL, never the request's Host header (which a caller chooses).
    """
    user = selectors.user_get_by_email(email=email)
    if user is None or not user.is_active:
        return None
    audit_record(
        actor=None,
        action="user.password_reset_requested",
        obj=user,
        data={"client_address": client_address},
        at=now,
    )
    transaction.on_commit(lambda: password_email_send(user, subject="reset"))
    return user


@transaction.atomic
def user_password_reset_complete(*, user: User, password: str, now: dt.datetime) -> User:
    """The holder of a valid reset link chose a new password."""
    password_validate(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="user.password_reset_completed", obj=user, at=now)
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str, now: dt.datetime) -> User:
    if actor.pk != user.pk:
        raise NotPermitted("You can only change your own password.")
    password_validate(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_changed", obj=user, at=now)
    return user
