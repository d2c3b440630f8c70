"""People's accounts: added, changed, deactivated and reactivated."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from caremarket.accounts.models import (
    ROLES_BY_KIND,
    ApiToken,
    Organisation,
    Role,
    User,
)
from caremarket.accounts.services.common import (
    NOT_PERMITTED_USERS,
    password_email_send,
    password_validate,
    sessions_end,
)
from caremarket.audit.services import audit_record
from caremarket.common.errors import Conflict, ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.services import model_full_clean, model_update

EMAIL_TAKEN = (
    "An account with this e-mail address already exists. Addresses are never reused:"
    " if it belongs to someone who has left, reactivate and rename that account instead."
)


ROLE_NOT_FOR_KIND = "The role {role} cannot be given to a user of a {kind}."


CANNOT_DEACTIVATE_SELF = "You cannot deactivate your own account."


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_email_free(email: str, *, exclude_pk: int | None = None) -> None:
    qs = User.objects.filter(email__iexact=email)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationFailed({"email": [EMAIL_TAKEN]})


def _check_role(role: str, organisation: Organisation) -> None:
    if role not in ROLES_BY_KIND.get(organisation.kind, ()):
        raise ValidationFailed(
            {
                "role": [
                    ROLE_NOT_FOR_KIND.format(
                        role=Role(role).label if role in Role.values else role,
                        kind=organisation.get_kind_display().lower(),
                    )
                ]
            }
        )


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    job_title: str = "",
    password: str | None = None,
    send_invitation: bool = True,
    now: dt.datetime,
) -> User:
    require(actor, "accounts.manage_users_of", organisation, NOT_PERMITTED_USERS)
    email = _normalise_email(email)
    # Everything the caller typed is checked before the address is looked up, so which field a
    # refusal names never depends on whether the address has an account elsewhere.
    _check_role(role, organisation)
    user = User(
        email=email,
        full_name=full_name.strip(),
        organisation=organisation,
        role=role,
        job_title=job_title,
    )
    if password:
        password_validate(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    model_full_clean(user, exclude=["password"], validate_unique=False)
    _check_email_free(email)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent request took the address first
        raise ValidationFailed({"email": [EMAIL_TAKEN]}) from exc
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        data={"email": email, "role": role, "organisation": organisation.pk},
        at=now,
    )
    if send_invitation and not password:
        transaction.on_commit(lambda: password_email_send(user, subject="set"))
    return user


@transaction.atomic
def user_update(
    *,
    actor: User | None,
    user: User,
    full_name: str | None = None,
    email: str | None = None,
    role: str | None = None,
    job_title: str | None = None,
    now: dt.datetime,
) -> User:
    require(actor, "accounts.manage_user", user, NOT_PERMITTED_USERS)
    data: dict[str, object] = {}
    if full_name is not None:
        data["full_name"] = full_name.strip()
    if job_title is not None:
        data["job_title"] = job_title
    if email is not None:
        data["email"] = _normalise_email(email)
        _check_email_free(str(data["email"]), exclude_pk=user.pk)
    if role is not None:
        _check_role(role, user.organisation)
        if actor is not None and actor.pk == user.pk and role != user.role:
            raise ValidationFailed({"role": ["You cannot change your own role."]})
        data["role"] = role
    user, changes = model_update(
        instance=user, fields=["full_name", "email", "role", "job_title"], data=data
    )
    if changes:
        audit_record(actor=actor, action="user.updated", obj=user, changes=changes, at=now)
    return user


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User, now: dt.datetime) -> User:
    require(actor, "accounts.manage_user", user, NOT_PERMITTED_USERS)
    if actor is not None and actor.pk == user.pk:
        raise ValidationFailed(CANNOT_DEACTIVATE_SELF)
    if not user.is_active:
        return user
    user.is_active = False
    user.deactivated_at = now
    user.save(update_fields=["is_active", "deactivated_at"])
    # Tokens stop working with the account; sessions are refused by the auth backend.
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    audit_record(
        actor=actor,
        action="user.deactivated",
        obj=user,
        changes={"is_active": [True, False]},
        at=now,
    )
    return user


@transaction.atomic
def user_reactivate(
    *,
    actor: User | None,
    user: User,
    full_name: str | None = None,
    send_password_reset: bool = True,
    now: dt.datetime,
) -> User:
    """Bring back an account, e.g. a shared mailbox passing to a new member of staff."""
    require(actor, "accounts.manage_user", user, NOT_PERMITTED_USERS)
    if user.is_active:
        # Reactivating an active account used to reset its password silently.
        raise Conflict(
            "This account is active: only a deactivated account can be reactivated."
            " To change its details, edit them; to reset its password, send a reset link."
        )
    changes: dict[str, list[object]] = {"is_active": [False, True]}
    user.is_active = True
    user.deactivated_at = None
    new_holder = bool(full_name and full_name.strip() != user.full_name)
    if new_holder and full_name:
        changes["full_name"] = [user.full_name, full_name.strip()]
        user.full_name = full_name.strip()
    # A new holder always gets a reset: the previous holder's password must not open it.
    send_password_reset = send_password_reset or new_holder
    if send_password_reset:
        # A new password hash also ends every session signed in with the old one (Django
        # checks the session's hash of the password on each request).
        user.set_unusable_password()
        changes["password"] = ["(hidden)", "reset"]
    model_full_clean(user, exclude=["password"], validate_unique=False)
    user.save()
    if new_holder:
        sessions_end(user, now=now)
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    if revoked:
        changes["api_tokens_revoked"] = [revoked, 0]
    audit_record(actor=actor, action="user.reactivated", obj=user, changes=changes, at=now)
    if send_password_reset:
        transaction.on_commit(lambda: password_email_send(user, subject="reset"))
    return user
