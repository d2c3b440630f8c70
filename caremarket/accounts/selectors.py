from __future__ import annotations

import functools

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caremarket.accounts.models import ApiToken, Organisation, Role, User
from caremarket.common.sql import SqlColumns, sql_columns


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a page or an API call, typed as the services take it."""
    user = request.user
    # Pages ask login_required and the API its auth first: anyone else here is a bug.
    assert isinstance(user, User), "current_user needs a signed-in user"
    return user


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def user_is_deactivated_with_password(*, email: str, password: str) -> bool:
    """True when these are the right credentials for a deactivated account.

    Only then do we tell the person their account is deactivated, so the message
    reveals nothing to someone guessing addresses.
    """
    user = user_get_by_email(email=email)
    return bool(user and not user.is_active and user.check_password(password))


def user_list_visible_to(
    *,
    viewer: User,
    organisation_id: int | None = None,
    search: str = "",
    include_inactive: bool = True,
) -> QuerySet[User]:
    qs = User.objects.select_related("organisation")
    if viewer.role != Role.COUNCIL_ADMIN:
        qs = qs.filter(organisation_id=viewer.organisation_id)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("organisation__name", "full_name")


def organisation_list(*, kind: str | None = None, search: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.annotate(active_users=Count("users", filter=Q(users__is_active=True)))
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("name")


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_get_active_by_hash(*, key_hash: str) -> ApiToken | None:
    """The unrevoked token of an active user, with its user and organisation loaded.

    Every API call with a token runs this, so it is one plain statement written once from
    the models: the ORM built the same three-table select again for each call, at eight
    times the CPU of running it (issue 13). The instances are the ones the ORM would load.
    """
    sql, token, user, organisation = _token_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_hash, True])
        row = cursor.fetchone()
    if row is None:
        return None
    ends = (len(token.names), len(token.names) + len(user.names))
    found = token.instance(row[: ends[0]])
    found.user = user.instance(row[ends[0] : ends[1]])
    found.user.organisation = organisation.instance(row[ends[1] :])
    return found


@functools.cache
def _token_statement() -> tuple[
    str, SqlColumns[ApiToken], SqlColumns[User], SqlColumns[Organisation]
]:
    quote = connection.ops.quote_name
    token_columns, user_columns = sql_columns(ApiToken, "t"), sql_columns(User, "u")
    org_columns = sql_columns(Organisation, "o")
    columns = (token_columns, user_columns, org_columns)
    token, user, org = ApiToken._meta, User._meta, Organisation._meta
    column = {
        "key_hash": quote(token.get_field("key_hash").column),
        "revoked_at": quote(token.get_field("revoked_at").column),
        "user": quote(token.get_field("user").column),
        "is_active": quote(user.get_field("is_active").column),
        "organisation": quote(user.get_field("organisation").column),
    }
    # Identifiers come from the models, values are parameters.
    sql = (
        f"SELECT {', '.join(c.select for c in columns)}"  # noqa: S608
        f" FROM {quote(token.db_table)} t"
        f" JOIN {quote(user.db_table)} u ON u.{quote(user.pk.column)} = t.{column['user']}"
        f" JOIN {quote(org.db_table)} o"
        f" ON o.{quote(org.pk.column)} = u.{column['organisation']}"
        f" WHERE t.{column['key_hash']} = %s AND t.{column['revoked_at']} IS NULL"
        f" AND u.{column['is_active']} = %s"
    )
    return sql, token_columns, user_columns, org_columns


def user_two_factor_required(*, user: User) -> bool:
    """Whether this person may not sign in without a second factor (decision 0081)."""
    return bool(settings.TWO_FACTOR_REQUIRED_FOR_COUNCIL and user.is_council)


def user_two_factor_device(*, user: User) -> TOTPDevice | None:
    """The person's authenticator app, once they have proved it with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def user_backup_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
