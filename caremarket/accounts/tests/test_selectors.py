import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caremarket.accounts import selectors, services
from caremarket.accounts.models import ApiToken, User

NOW = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)


def found(raw):
    return selectors.api_token_get_active_by_hash(key_hash=services.api_token_hash(raw))


def test_a_token_loads_what_the_orm_would_with_its_user_and_organisation_in_one_statement(world):
    token, raw = services.api_token_create(actor=world.broker, name="Case system", now=NOW)
    with CaptureQueriesContext(connection) as ctx:
        got = found(raw)
        assert got is not None
        organisation = got.user.organisation.name
    assert len(ctx.captured_queries) == 1
    assert organisation == world.broker.organisation.name
    orm = ApiToken.objects.select_related("user__organisation").get(pk=token.pk)
    for loaded, expected in (
        (got, orm),
        (got.user, orm.user),
        (got.user.organisation, orm.user.organisation),
    ):
        assert type(loaded) is type(expected)
        assert {f.attname: getattr(loaded, f.attname) for f in loaded._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in expected._meta.concrete_fields
        }
        assert loaded._state.adding is False
    # The instance the request carries behaves as any loaded user: it can be saved.
    got.user.full_name = "Renamed"
    got.user.save(update_fields=["full_name"])
    assert User.objects.get(pk=world.broker.pk).full_name == "Renamed"


@pytest.mark.parametrize("ended", ["revoked", "user deactivated", "never issued"])
def test_no_token_is_found_once_it_is_revoked_or_its_user_is_deactivated(world, ended):
    token, raw = services.api_token_create(actor=world.broker, name="Case system", now=NOW)
    assert found(raw) is not None
    if ended == "revoked":
        services.api_token_revoke(actor=world.broker, token=token, now=NOW)
    elif ended == "user deactivated":
        User.objects.filter(pk=world.broker.pk).update(is_active=False)
    else:
        raw = raw[:-1] + ("x" if raw[-1] != "x" else "y")
    assert found(raw) is None
