"""Database triggers that refuse overlapping holds on a room, on SQLite and PostgreSQL.

A hold is a booking request awaiting an answer, an accepted or ended booking, or a
suspension, over [starts_on, ends_on) (ends_on exclusive, NULL open-ended). Bookings and
suspensions live in two tables, so a one-table exclusion constraint cannot cover both;
a trigger on each table checks both. On PostgreSQL the trigger first locks the room row,
so concurrent writers for one room queue and each sees the other's committed row; SQLite
allows one writer at a time (IMMEDIATE transactions), which gives the same guarantee.
"""

from __future__ import annotations

from typing import Any

from caremarket.common.sql import sql_run_for_vendor

OVERLAP = "room_hold_overlap"
# A home closed to admissions takes no new request or booking starting while it is closed,
# including into a room that a booking ending during the closure has freed (issue 16 item 5).
HOME_CLOSED = "home_closed_to_admissions"
_HOLDING = "('requested', 'accepted', 'ended')"
_END = "'9999-12-31'"


def _sqlite_overlap_with(table: str, alias: str, *, exclude_self: bool) -> str:
    status = f" AND {alias}.status IN {_HOLDING}" if table == "carehomes_booking" else ""
    self_clause = f" AND {alias}.id <> NEW.id" if exclude_self else ""
    head = f"EXISTS (SELECT 1 FROM {table} {alias} WHERE"  # noqa: S608 (constants only)
    return (
        f"{head} {alias}.room_id = NEW.room_id{status}"
        f"{self_clause} AND ({alias}.ends_on IS NULL OR {alias}.ends_on > {alias}.starts_on)"
        f" AND {alias}.starts_on < COALESCE(NEW.ends_on, {_END})"
        f" AND NEW.starts_on < COALESCE({alias}.ends_on, {_END}))"
    )


def _sqlite_trigger(table: str, event: str) -> str:
    name = f"{table}_hold_{event.split()[0].lower()}"
    holds = "(NEW.ends_on IS NULL OR NEW.ends_on > NEW.starts_on)"
    if table == "carehomes_booking":
        holds += f" AND NEW.status IN {_HOLDING}"
    update = event.startswith("UPDATE")
    checks = " OR ".join(
        _sqlite_overlap_with(other, alias, exclude_self=update and other == table)
        for other, alias in (("carehomes_booking", "b"), ("carehomes_suspension", "s"))
    )
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON {table} WHEN {holds} "
        f"BEGIN SELECT RAISE(ABORT, '{OVERLAP}') WHERE {checks}; END;"
    )


_CLOSED_DURING = (
    "EXISTS (SELECT 1 FROM carehomes_homesuspension h JOIN carehomes_room r"
    " ON r.home_id = h.home_id WHERE r.id = NEW.room_id"
    " AND (h.ends_on IS NULL OR h.ends_on > h.starts_on)"
    " AND h.starts_on <= NEW.starts_on AND NEW.starts_on < COALESCE(h.ends_on, '9999-12-31'))"
)
_NEW_ADMISSION = "NEW.status IN ('requested', 'accepted')"


def _sqlite_closed_trigger(event: str) -> str:
    update = event.startswith("UPDATE")
    when = _NEW_ADMISSION + (
        " AND (OLD.status <> NEW.status OR OLD.room_id <> NEW.room_id"
        " OR OLD.starts_on <> NEW.starts_on)"
        if update
        else ""
    )
    name = f"carehomes_booking_closed_{'update' if update else 'insert'}"
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {event} ON carehomes_booking WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{HOME_CLOSED}') WHERE {_CLOSED_DURING}; END;"
    )


_SQLITE_INSTALL = [
    _sqlite_closed_trigger("INSERT"),
    _sqlite_closed_trigger("UPDATE OF room_id, status, starts_on"),
    _sqlite_trigger("carehomes_booking", "INSERT"),
    _sqlite_trigger("carehomes_booking", "UPDATE OF room_id, status, starts_on, ends_on"),
    _sqlite_trigger("carehomes_suspension", "INSERT"),
    _sqlite_trigger("carehomes_suspension", "UPDATE OF room_id, starts_on, ends_on"),
]
_SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {table}_hold_{event};"
    for table in ("carehomes_booking", "carehomes_suspension")
    for event in ("insert", "update")
] + [f"DROP TRIGGER IF EXISTS carehomes_booking_closed_{event};" for event in ("insert", "update")]

_POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION carehomes_room_hold_check() RETURNS trigger AS $$
    BEGIN
      IF TG_TABLE_NAME = 'carehomes_booking' THEN
        IF NEW.status NOT IN ('requested', 'accepted', 'ended') THEN RETURN NEW; END IF;
        IF NEW.status IN ('requested', 'accepted')
           AND (TG_OP = 'INSERT' OR OLD.status <> NEW.status OR OLD.room_id <> NEW.room_id
                OR OLD.starts_on <> NEW.starts_on)
           AND EXISTS (
             SELECT 1 FROM carehomes_homesuspension h JOIN carehomes_room r ON r.home_id = h.home_id
             WHERE r.id = NEW.room_id AND (h.ends_on IS NULL OR h.ends_on > h.starts_on)
               AND h.starts_on <= NEW.starts_on
               AND (h.ends_on IS NULL OR NEW.starts_on < h.ends_on))
        THEN
          RAISE EXCEPTION 'home_closed_to_admissions: the home of room % is closed then',
            NEW.room_id USING ERRCODE = 'exclusion_violation';
        END IF;
      END IF;
      IF NEW.ends_on IS NOT NULL AND NEW.ends_on <= NEW.starts_on THEN RETURN NEW; END IF;
      -- Writers for one room queue here, so each sees the rows the others committed.
      PERFORM 1 FROM carehomes_room WHERE id = NEW.room_id FOR UPDATE;
      IF EXISTS (
          SELECT 1 FROM carehomes_booking b
          WHERE b.room_id = NEW.room_id AND b.status IN ('requested', 'accepted', 'ended')
            AND NOT (TG_TABLE_NAME = 'carehomes_booking' AND b.id = NEW.id)
            AND daterange(b.starts_on, b.ends_on) && daterange(NEW.starts_on, NEW.ends_on))
        OR EXISTS (
          SELECT 1 FROM carehomes_suspension s
          WHERE s.room_id = NEW.room_id
            AND NOT (TG_TABLE_NAME = 'carehomes_suspension' AND s.id = NEW.id)
            AND daterange(s.starts_on, s.ends_on) && daterange(NEW.starts_on, NEW.ends_on))
      THEN
        RAISE EXCEPTION 'room_hold_overlap: room % is already held for part of this period',
          NEW.room_id USING ERRCODE = 'exclusion_violation';
      END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE TRIGGER carehomes_booking_hold
       BEFORE INSERT OR UPDATE OF room_id, status, starts_on, ends_on ON carehomes_booking
       FOR EACH ROW EXECUTE FUNCTION carehomes_room_hold_check();""",
    """CREATE OR REPLACE TRIGGER carehomes_suspension_hold
       BEFORE INSERT OR UPDATE OF room_id, starts_on, ends_on ON carehomes_suspension
       FOR EACH ROW EXECUTE FUNCTION carehomes_room_hold_check();""",
]
_POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS carehomes_booking_hold ON carehomes_booking;",
    "DROP TRIGGER IF EXISTS carehomes_suspension_hold ON carehomes_suspension;",
    "DROP FUNCTION IF EXISTS carehomes_room_hold_check();",
]


def triggers_install(connection: Any) -> None:
    sql_run_for_vendor(connection, postgresql=_POSTGRES_INSTALL, sqlite=_SQLITE_INSTALL)


def triggers_remove(connection: Any) -> None:
    sql_run_for_vendor(connection, postgresql=_POSTGRES_REMOVE, sqlite=_SQLITE_REMOVE)
