"""Re-install the room-hold triggers with the home-closure check (issue 16 item 5).

The SQL is this migration's own, as carehomes.triggers generated it when the migration was
written, so editing that module never changes what this migration does. REMOVE drops the
triggers of 0002 and of this migration (IF EXISTS), so it also serves to reverse it.
"""

from django.db import migrations

SQLITE_INSTALL = [
    "CREATE TRIGGER IF NOT EXISTS carehomes_booking_closed_insert BEFORE INSERT ON carehomes_booking WHEN NEW.status IN ('requested', 'accepted') BEGIN SELECT RAISE(ABORT, 'home_closed_to_admissions') WHERE EXISTS (SELECT 1 FROM carehomes_homesuspension h JOIN carehomes_room r ON r.home_id = h.home_id WHERE r.id = NEW.room_id AND (h.ends_on IS NULL OR h.ends_on > h.starts_on) AND h.starts_on <= NEW.starts_on AND NEW.starts_on < COALESCE(h.ends_on, '9999-12-31')); END;",
    "CREATE TRIGGER IF NOT EXISTS carehomes_booking_closed_update BEFORE UPDATE OF room_id, status, starts_on ON carehomes_booking WHEN NEW.status IN ('requested', 'accepted') AND (OLD.status <> NEW.status OR OLD.room_id <> NEW.room_id OR OLD.starts_on <> NEW.starts_on) BEGIN SELECT RAISE(ABORT, 'home_closed_to_admissions') WHERE EXISTS (SELECT 1 FROM carehomes_homesuspension h JOIN carehomes_room r ON r.home_id = h.home_id WHERE r.id = NEW.room_id AND (h.ends_on IS NULL OR h.ends_on > h.starts_on) AND h.starts_on <= NEW.starts_on AND NEW.starts_on < COALESCE(h.ends_on, '9999-12-31')); END;",
    "CREATE TRIGGER IF NOT EXISTS carehomes_booking_hold_insert BEFORE INSERT ON carehomes_booking WHEN (NEW.ends_on IS NULL OR NEW.ends_on > NEW.starts_on) AND NEW.status IN ('requested', 'accepted', 'ended') BEGIN SELECT RAISE(ABORT, 'room_hold_overlap') WHERE EXISTS (SELECT 1 FROM carehomes_booking b WHERE b.room_id = NEW.room_id AND b.status IN ('requested', 'accepted', 'ended') AND (b.ends_on IS NULL OR b.ends_on > b.starts_on) AND b.starts_on < COALESCE(NEW.ends_on, '9999-12-31') AND NEW.starts_on < COALESCE(b.ends_on, '9999-12-31')) OR EXISTS (SELECT 1 FROM carehomes_suspension s WHERE s.room_id = NEW.room_id AND (s.ends_on IS NULL OR s.ends_on > s.starts_on) AND s.starts_on < COALESCE(NEW.ends_on, '9999-12-31') AND NEW.starts_on < COALESCE(s.ends_on, '9999-12-31')); END;",
    "CREATE TRIGGER IF NOT EXISTS carehomes_booking_hold_update BEFORE UPDATE OF room_id, status, starts_on, ends_on ON carehomes_booking WHEN (NEW.ends_on IS NULL OR NEW.ends_on > NEW.starts_on) AND NEW.status IN ('requested', 'accepted', 'ended') BEGIN SELECT RAISE(ABORT, 'room_hold_overlap') WHERE EXISTS (SELECT 1 FROM carehomes_booking b WHERE b.room_id = NEW.room_id AND b.status IN ('requested', 'accepted', 'ended') AND b.id <> NEW.id AND (b.ends_on IS NULL OR b.ends_on > b.starts_on) AND b.starts_on < COALESCE(NEW.ends_on, '9999-12-31') AND NEW.starts_on < COALESCE(b.ends_on, '9999-12-31')) OR EXISTS (SELECT 1 FROM carehomes_suspension s WHERE s.room_id = NEW.room_id AND (s.ends_on IS NULL OR s.ends_on > s.starts_on) AND s.starts_on < COALESCE(NEW.ends_on, '9999-12-31') AND NEW.starts_on < COALESCE(s.ends_on, '9999-12-31')); END;",
    "CREATE TRIGGER IF NOT EXISTS carehomes_suspension_hold_insert BEFORE INSERT ON carehomes_suspension WHEN (NEW.ends_on IS NULL OR NEW.ends_on > NEW.starts_on) BEGIN SELECT RAISE(ABORT, 'room_hold_overlap') WHERE EXISTS (SELECT 1 FROM carehomes_booking b WHERE b.room_id = NEW.room_id AND b.status IN ('requested', 'accepted', 'ended') AND (b.ends_on IS NULL OR b.ends_on > b.starts_on) AND b.starts_on < COALESCE(NEW.ends_on, '9999-12-31') AND NEW.starts_on < COALESCE(b.ends_on, '9999-12-31')) OR EXISTS (SELECT 1 FROM carehomes_suspension s WHERE s.room_id = NEW.room_id AND (s.ends_on IS NULL OR s.ends_on > s.starts_on) AND s.starts_on < COALESCE(NEW.ends_on, '9999-12-31') AND NEW.starts_on < COALESCE(s.ends_on, '9999-12-31')); END;",
    "CREATE TRIGGER IF NOT EXISTS carehomes_suspension_hold_update BEFORE UPDATE OF room_id, starts_on, ends_on ON carehomes_suspension WHEN (NEW.ends_on IS NULL OR NEW.ends_on > NEW.starts_on) BEGIN SELECT RAISE(ABORT, 'room_hold_overlap') WHERE EXISTS (SELECT 1 FROM carehomes_booking b WHERE b.room_id = NEW.room_id AND b.status IN ('requested', 'accepted', 'ended') AND (b.ends_on IS NULL OR b.ends_on > b.starts_on) AND b.starts_on < COALESCE(NEW.ends_on, '9999-12-31') AND NEW.starts_on < COALESCE(b.ends_on, '9999-12-31')) OR EXISTS (SELECT 1 FROM carehomes_suspension s WHERE s.room_id = NEW.room_id AND s.id <> NEW.id AND (s.ends_on IS NULL OR s.ends_on > s.starts_on) AND s.starts_on < COALESCE(NEW.ends_on, '9999-12-31') AND NEW.starts_on < COALESCE(s.ends_on, '9999-12-31')); END;",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS carehomes_booking_hold_insert;",
    "DROP TRIGGER IF EXISTS carehomes_booking_hold_update;",
    "DROP TRIGGER IF EXISTS carehomes_suspension_hold_insert;",
    "DROP TRIGGER IF EXISTS carehomes_suspension_hold_update;",
    "DROP TRIGGER IF EXISTS carehomes_booking_closed_insert;",
    "DROP TRIGGER IF EXISTS carehomes_booking_closed_update;",
]
POSTGRES_INSTALL = [
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
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS carehomes_booking_hold ON carehomes_booking;",
    "DROP TRIGGER IF EXISTS carehomes_suspension_hold ON carehomes_suspension;",
    "DROP FUNCTION IF EXISTS carehomes_room_hold_check();",
]


def _run(schema_editor, *, postgresql, sqlite):
    connection = schema_editor.connection
    statements = postgresql if connection.vendor == "postgresql" else sqlite
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, postgresql=POSTGRES_REMOVE, sqlite=SQLITE_REMOVE)
    _run(schema_editor, postgresql=POSTGRES_INSTALL, sqlite=SQLITE_INSTALL)


class Migration(migrations.Migration):
    dependencies = [("carehomes", "0004_carehome_cqc_deregistered_on")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
