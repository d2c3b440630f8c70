"""Every write to organisations, users and API tokens, each audited in its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from caremarket.accounts import selectors
from caremarket.accounts.models import (
    ROLES_BY_KIND,
    ApiToken,
    Organisation,
    Role,
    User,
)
from caremarket.audit.services import audit_record
from caremarket.common.errors import Conflict, NotPermitted, ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.services import model_full_clean, model_update

EMAIL_TAKEN = (
    "An account with this e-mail address already exists. Addresses are never reused:"
    " if it belongs to someone who has left, reactivate and rename that account instead."
)
ROLE_NOT_FOR_KIND = "The role {role} cannot be given to a user of a {kind}."
NOT_PERMITTED_USERS = "You can only manage the users of your own organisation."
CANNOT_DEACTIVATE_SELF = "You cannot deactivate your own account."
TOKEN_PREFIX = "cm_"  # noqa: S105 (a public prefix, not a secret)


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
def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    reference: str = "",
    email: str = "",
    phone: str = "",
) -> Organisation:
    require(
        actor,
        "accounts.manage_organisations",
        None,
        "Only council administrators can add organisations.",
    )
    org = Organisation(name=name.strip(), kind=kind, reference=reference, email=email, phone=phone)
    # Checked before the name is looked up: PostgreSQL refuses a query with a NUL in it.
    model_full_clean(org)
    if Organisation.objects.filter(name__iexact=org.name, kind=kind).exists():
        raise ValidationFailed(
            {"name": ["An organisation of this kind with this name already exists."]}
        )
    org.save()
    audit_record(
        actor=actor,
        action="organisation.created",
        obj=org,
        data={"name": org.name, "kind": kind, "reference": reference},
    )
    return org


@transaction.atomic
def organisation_update(
    *, actor: User | None, organisation: Organisation, **data: object
) -> Organisation:
    require(
        actor,
        "accounts.manage_organisations",
        None,
        "Only council administrators can change organisations.",
    )
    organisation, changes = model_update(
        instance=organisation,
        fields=["name", "reference", "email", "phone", "is_active"],
        data=data,
    )
    if changes:
        audit_record(actor=actor, action="organisation.updated", obj=organisation, changes=changes)
    return organisation


@transaction.atomic
def organisation_set_partners(
    *, actor: User | None, organisation: Organisation, partners: Iterable[Organisation]
) -> Organisation:
    require(
        actor,
        "accounts.manage_organisations",
        None,
        "Only council administrators can change partnerships.",
    )
    new = {p.pk for p in partners if p.pk != organisation.pk}
    old = set(organisation.partners.values_list("pk", flat=True))
    if new != old:
        organisation.partners.set(list(new))
        audit_record(
            actor=actor,
            action="organisation.partners_changed",
            obj=organisation,
            changes={"partners": [sorted(old), sorted(new)]},
        )
    return organisation


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
        _validate_password(password, user)
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
    )
    if send_invitation and not password:
        transaction.on_commit(lambda: _send_password_email(user, subject="set"))
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
        audit_record(actor=actor, action="user.updated", obj=user, changes=changes)
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
        _sessions_end(user, now=now)
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    if revoked:
        changes["api_tokens_revoked"] = [revoked, 0]
    audit_record(actor=actor, action="user.reactivated", obj=user, changes=changes, at=now)
    if send_password_reset:
        transaction.on_commit(lambda: _send_password_email(user, subject="reset"))
    return user


def _sessions_end(user: User, *, now: dt.datetime) -> None:
    """Delete the user's stored sessions (the password hash check would refuse them anyway)."""
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


@transaction.atomic
def user_send_password_reset(*, actor: User | None, user: User) -> None:
    require(actor, "accounts.manage_user", user, NOT_PERMITTED_USERS)
    audit_record(actor=actor, action="user.password_reset_sent", obj=user)
    transaction.on_commit(lambda: _send_password_email(user, subject="reset"))


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
    transaction.on_commit(lambda: _send_password_email(user, subject="reset"))
    return user


@transaction.atomic
def user_password_reset_complete(*, user: User, password: str, now: dt.datetime) -> User:
    """The holder of a valid reset link chose a new password."""
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="user.password_reset_completed", obj=user, at=now)
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    if actor.pk != user.pk:
        raise NotPermitted("You can only change your own password.")
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_changed", obj=user)
    return user


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from exc


def _send_password_email(user: User, *, subject: str) -> None:
    # Django's reset tokens: single-use (they hash the password) and time-limited.
    template = (
        "accounts/email/set_password" if subject == "set" else "accounts/email/reset_password"
    )
    context = {
        "email": user.email,
        "domain": settings.SITE_URL.split("://", 1)[-1],
        "protocol": "https" if settings.SITE_URL.startswith("https") else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "service_name": settings.SERVICE_NAME,
    }
    send_mail(
        subject="".join(render_to_string(f"{template}_subject.txt", context).splitlines()),
        message=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


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
