"""Two-factor sign-in: an authenticator app and backup codes."""

from __future__ import annotations

import datetime as dt
from binascii import unhexlify

from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from caremarket.accounts import selectors
from caremarket.accounts.models import User
from caremarket.accounts.services.common import NOT_PERMITTED_USERS, sessions_end
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.common.permissions import require

BACKUP_CODE_COUNT = 10


CODE_WRONG = "The code is not right. Enter the 6-digit code your authenticator app shows now."


CODE_WRONG_BACKUP = "The code is not right, or that backup code has already been used."


TWO_FACTOR_REQUIRED = (
    "Council staff must use two-factor sign-in, so it cannot be turned off."
    " If you have lost your phone, ask an administrator to reset it."
)


CANNOT_RESET_SELF = (
    "You cannot reset your own two-factor sign-in: set up a new phone on your account page."
)


def totp_key_generate() -> str:
    """A new secret for an authenticator app, as django-otp stores it (hex, 160 bits)."""
    return str(default_key())


def _code_clean(code: str) -> str:
    # People copy codes with spaces or hyphens ("123 456", "abcd-efgh").
    return "".join(ch for ch in code if ch.isalnum()).lower()


def _totp_matches(key: str, code: str, *, now: dt.datetime) -> int | None:
    """The time step at which ``code`` is right for ``key`` (one step either side), if any."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    try:
        totp = TOTP(unhexlify(key.encode()), step=30, t0=0, digits=6)
    except (ValueError, TypeError):
        return None
    totp.time = now.timestamp()
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def user_two_factor_enrol(*, user: User, key: str, code: str, now: dt.datetime) -> list[str]:
    """Turn two-factor sign-in on with the app the person has just set up, proved by a code
    from it; replaces any earlier app and backup codes. Answers the new backup codes, which
    are shown once."""
    step = _totp_matches(key, _code_clean(code), now=now)
    if step is None:
        raise ValidationFailed({"code": [CODE_WRONG]})
    replaced = _two_factor_devices_delete(user)
    TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=key, confirmed=True, last_t=step
    )
    backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=c) for c in codes])
    audit_record(
        actor=user,
        action="user.two_factor_enrolled",
        obj=user,
        data={"replaced_earlier": replaced, "backup_codes": BACKUP_CODE_COUNT},
        at=now,
    )
    return codes


@transaction.atomic
def user_two_factor_verify(*, user: User, code: str, now: dt.datetime) -> Device | None:
    """The device that accepts ``code`` at sign-in (a backup code is used up), or None; a wrong
    code is recorded in the audit trail."""
    cleaned = _code_clean(code)
    device: Device | None = None
    if len(cleaned) == 6 and cleaned.isdigit():
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if totp is not None and totp.verify_token(cleaned):
            device = totp
    elif cleaned:
        backup = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if backup is not None and backup.verify_token(cleaned):
            device = backup
            audit_record(
                actor=user,
                action="user.two_factor_backup_code_used",
                obj=user,
                data={"backup_codes_left": backup.token_set.count()},
                at=now,
            )
    if device is None:
        audit_record(
            actor=user,
            action="user.two_factor_failed",
            obj=user,
            data={"kind": "app" if cleaned.isdigit() else "backup"},
            at=now,
        )
    return device


def user_two_factor_remove(*, user: User, code: str, now: dt.datetime) -> None:
    """The person turns two-factor sign-in off, proving it with a current code."""
    if selectors.user_two_factor_required(user=user):
        raise NotPermitted(TWO_FACTOR_REQUIRED)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return
        if device.verify_token(_code_clean(code)):
            _two_factor_devices_delete(user)
            audit_record(actor=user, action="user.two_factor_removed", obj=user, at=now)
            return
        # Committed before the refusal below, so the wrong code stays in the trail.
        audit_record(
            actor=user, action="user.two_factor_failed", obj=user, data={"kind": "app"}, at=now
        )
    raise ValidationFailed({"code": [CODE_WRONG]})


@transaction.atomic
def user_two_factor_reset(*, actor: User | None, user: User, now: dt.datetime) -> bool:
    """An administrator takes away a person's app and backup codes (a lost phone): they set
    up a new app at their next sign-in if it is required, and their sessions end."""
    require(actor, "accounts.manage_user", user, NOT_PERMITTED_USERS)
    if actor is not None and actor.pk == user.pk:
        raise ValidationFailed(CANNOT_RESET_SELF)
    if not _two_factor_devices_delete(user):
        return False
    sessions_end(user, now=now)
    audit_record(actor=actor, action="user.two_factor_reset", obj=user, at=now)
    return True


def _two_factor_devices_delete(user: User) -> bool:
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    deleted += StaticDevice.objects.filter(user=user).delete()[0]
    return deleted > 0
