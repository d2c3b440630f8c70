import pytest
from django.db import IntegrityError, InternalError, OperationalError, connection, transaction

from caremarket.audit.models import AuditEvent
from caremarket.audit.services import audit_record, audit_record_many
from caremarket.audit.triggers import triggers_install


def test_every_service_write_is_audited_with_its_actor(world):
    event = AuditEvent.objects.filter(action="user.created", object_id=str(world.broker.pk)).get()
    assert event.actor is None and event.actor_label == "system"
    assert event.data["email"] == "broker@council.test"


def test_events_cannot_be_changed_through_the_model(world):
    event = AuditEvent.objects.first()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'forged'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_to_rewrite_history(world, sql):
    triggers_install(connection)  # idempotent; a transactional test may have lifted them
    before = AuditEvent.objects.count()
    with (
        pytest.raises((IntegrityError, InternalError, OperationalError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(action="forged").exists()


def test_values_are_stored_as_json(world):
    import datetime as dt

    event = audit_record(
        actor=world.broker,
        action="test.recorded",
        obj=world.council,
        at=dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC),
        changes={"when": [dt.date(2026, 1, 1), None]},
    )
    event.refresh_from_db()
    assert event.changes == {"when": ["2026-01-01", None]}
    assert event.actor_organisation_id == world.council.pk


def test_council_admin_browses_by_object_and_by_user(world):
    client = world.client_for(world.council_admin)
    by_object = client.get(f"/audit/?object_type=accounts.user&object_id={world.broker.pk}")
    assert by_object.status_code == 200 and "user.created" in by_object.content.decode()
    api = client.get(f"/api/v1/audit-events?actor_id={world.council_admin.pk}")
    assert api.status_code == 200


@pytest.mark.parametrize("persona", ["broker", "care_home_admin", "health_searcher"])
def test_only_council_admins_read_the_trail(world, persona):
    client = world.client_for(getattr(world, persona))
    assert client.get("/audit/").status_code == 404
    assert client.get("/api/v1/audit-events").status_code == 403


def test_many_events_at_once_are_stored_as_one_at_a_time_would_be(world):
    import datetime as dt

    at = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    one = audit_record(
        actor=world.broker,
        action="test.one",
        obj=world.council,
        data={"on": dt.date(2026, 7, 1)},
        at=at,
    )
    many = audit_record_many(
        actor=world.broker,
        action="test.one",
        objs=[(world.council, {"on": dt.date(2026, 7, 1)}), (world.icb, None)],
        at=at,
    )
    assert len(many) == 2
    fields = ("at", "actor_id", "actor_label", "actor_organisation_id", "action", "object_type")
    stored = AuditEvent.objects.filter(action="test.one").order_by("id")
    first = stored[1]
    assert [getattr(first, f) for f in fields] == [getattr(one, f) for f in fields]
    assert (first.object_id, first.data) == (str(world.council.pk), {"on": "2026-07-01"})
    assert (stored[2].object_id, stored[2].data) == (str(world.icb.pk), {})


def test_insert_or_replace_cannot_rewrite_an_event_on_sqlite(world):
    if connection.vendor != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's; PostgreSQL has no such statement")
    triggers_install(connection)
    event = AuditEvent.objects.order_by("pk").first()
    columns = [f.column for f in AuditEvent._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM audit_auditevent WHERE id = %s",  # noqa: S608
            [event.pk],
        )
        row = list(cursor.fetchone())
    row[columns.index("action")] = "forged"
    with (
        pytest.raises((IntegrityError, InternalError, OperationalError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"INSERT OR REPLACE INTO audit_auditevent ({', '.join(columns)})"  # noqa: S608
            f" VALUES ({', '.join(['%s'] * len(columns))})",
            row,
        )
    event.refresh_from_db()
    assert event.action != "forged"
