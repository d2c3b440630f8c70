"""The national-scale dataset of DESIGN section 8, written straight into PostgreSQL with COPY.

15,000 homes in clusters around 250 towns across England, 450,000 rooms (about 30 a home),
two years of bookings (stays of about ten months, 87% of rooms occupied today), open requests
and suspensions, and each room's free_from consistent with its holds. The overlap triggers are
paused during the load: the generator lays each room's holds end to end, so none overlap.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

import psycopg

TOWNS = 250
POSTCODES_PER_TOWN = 20
PROVIDERS = 3000
NHS_BODIES = 20
INWARD = "ABDEFGHJLNPQRSTUWXYZ"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # outward codes QA0 to QZ9: 260 towns at most
FREE_SINCE_ALWAYS = dt.date(1900, 1, 1)


@dataclass
class Counts:
    homes: int = 0
    rooms: int = 0
    bookings: int = 0
    suspensions: int = 0
    vacant_rooms: int = 0


def _towns(rng: random.Random) -> list[tuple[float, float, float]]:
    """(lat, lng, weight): a few cities, many small towns."""
    return [
        (rng.uniform(50.5, 54.9), rng.uniform(-4.3, 1.5), rng.paretovariate(1.2))
        for _ in range(TOWNS)
    ]


def generate(url: str, *, homes: int, rooms_per_home: float, seed: int = 2026) -> Counts:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    counts = Counts()
    towns = _towns(rng)
    weights = [t[2] for t in towns]
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        for table in ("carehomes_booking", "carehomes_suspension"):
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        # Organisations: the council, NHS bodies (the first five its partners), providers.
        with conn.cursor().copy(
            "COPY accounts_organisation (id, name, kind, reference, email, phone, is_active,"
            " created_at) FROM STDIN"
        ) as copy:
            copy.write_row((1, "Bench County Council", "council", "E1", "", "", True, now))
            for i in range(NHS_BODIES):
                copy.write_row((2 + i, f"Bench NHS body {i}", "nhs", "", "", "", True, now))
            for i in range(PROVIDERS):
                copy.write_row(
                    (100 + i, f"Bench provider {i}", "care_home_provider", "", "", "", True, now)
                )
        with conn.cursor().copy(
            "COPY accounts_organisation_partners (from_organisation_id, to_organisation_id)"
            " FROM STDIN"
        ) as copy:
            for nhs in range(2, 7):
                copy.write_row((1, nhs))
                copy.write_row((nhs, 1))
        conn.execute(
            "INSERT INTO accounts_user (id, password, email, full_name, organisation_id, role,"
            " job_title, is_active, is_staff, is_superuser, date_joined)"
            " VALUES (1, '!', 'recorder@bench.example', 'Recorder', 100, 'provider_admin', '',"
            " true, false, false, %s)",
            [now],
        )
        with conn.cursor().copy(
            "COPY geography_district (id, code, name, locality, in_council_area, council_code)"
            " FROM STDIN"
        ) as copy:
            for t in range(TOWNS):
                copy.write_row((1000 + t, f"E0B{t:05d}", f"Bench district {t}", "", False, ""))
        with conn.cursor().copy(
            "COPY geography_postcode (postcode, oslaua, lat, lng) FROM STDIN"
        ) as copy:
            for t, (lat, lng, _) in enumerate(towns):
                outward = f"Q{LETTERS[t // 10]}{t % 10}"
                seen: set[str] = set()
                while len(seen) < POSTCODES_PER_TOWN:
                    seen.add(f"{rng.randint(0, 9)}{rng.choice(INWARD)}{rng.choice(INWARD)}")
                for inward in sorted(seen):
                    copy.write_row(
                        (
                            f"{outward} {inward}",
                            f"E0B{t:05d}",
                            lat + rng.gauss(0, 0.04),
                            lng + rng.gauss(0, 0.06),
                        )
                    )
        home_rows, room_rows, booking_rows, suspension_rows = [], [], [], []
        room_id = booking_id = suspension_id = 0
        # Mean rooms per home: 10 + 110 * a / (a + b).
        beta_b = 1.2 * (110 / max(1.0, rooms_per_home - 10) - 1)
        for h in range(1, homes + 1):
            town = rng.choices(range(TOWNS), weights)[0]
            lat = towns[town][0] + rng.gauss(0, 0.06)
            lng = towns[town][1] + rng.gauss(0, 0.09)
            older = rng.random() < 0.85
            care = (1 if older else 2) | (4 if rng.random() < 0.4 else 0)
            care |= sum(1 << b for b in range(3, 10) if rng.random() < 0.12)
            nursing = rng.random() < 0.4
            irn = older and rng.random() < 0.5
            updated = now - dt.timedelta(hours=rng.randint(1, 24 * 20))
            home_rows.append(
                (
                    h,
                    100 + rng.randrange(PROVIDERS),
                    f"1-9{h:08d}",
                    f"Bench home {h}",
                    f"{h} High Street",
                    "QA1 1AA",
                    1000 + town,
                    lat,
                    lng,
                    True,
                    "",
                    "",
                    "",
                    "",
                    care,
                    rng.getrandbits(10),
                    nursing,
                    True,
                    irn,
                    rng.choice(["Good", "Good", "Good", "Outstanding", "Requires improvement"]),
                    today - dt.timedelta(days=rng.randint(30, 900)),
                    rng.random() > 0.01,
                    now,
                    now,
                    None,
                    updated,
                    now,
                    rng.getrandbits(48),
                )
            )
            counts.homes += 1
            for n in range(1, 10 + int(rng.betavariate(1.2, beta_b) * 110) + 1):
                room_id += 1
                roll = rng.random()
                owner, la, top_up = None, False, False
                if roll < 0.12:
                    contract = "block"
                    owner = 1 if rng.random() < 0.6 else rng.randint(2, 1 + NHS_BODIES)
                elif roll < 0.4 and irn:
                    contract = "irn"
                else:
                    contract, la, top_up = "spot", rng.random() < 0.7, rng.random() < 0.4
                features = sum(
                    1 << b
                    for b, p in enumerate(
                        (0.6, 0.7 if nursing else 0, 0.3, 0.05, 0.35, 0.3, 0.1, 0.04)
                    )
                    if rng.random() < p
                )
                free_from, holds = _holds(rng, today)
                for kind, starts, ends, status in holds:
                    if kind == "suspension":
                        suspension_id += 1
                        suspension_rows.append(
                            (
                                suspension_id,
                                room_id,
                                starts,
                                ends,
                                "decoration",
                                "",
                                None,
                                None,
                                now,
                                None,
                                None,
                            )
                        )
                        continue
                    booking_id += 1
                    at = dt.datetime.combine(starts, dt.time(9), tzinfo=dt.UTC)
                    booking_rows.append(
                        (
                            booking_id,
                            room_id,
                            status,
                            starts,
                            ends,
                            f"B-{booking_id}",
                            "local_authority",
                            "",
                            1,
                            1,
                            at,
                            None if status == "requested" else 1,
                            None if status == "requested" else at,
                            "",
                            "",
                            "",
                            None,
                            None,
                            1 if status == "ended" else None,
                            at if status == "ended" else None,
                            "",
                            None,
                        )
                    )
                counts.vacant_rooms += free_from is not None and free_from <= today
                room_rows.append(
                    (
                        room_id,
                        h,
                        f"Room {n}",
                        contract,
                        owner,
                        la,
                        top_up,
                        features,
                        free_from,
                        now,
                        now,
                    )
                )
        counts.rooms, counts.bookings, counts.suspensions = room_id, booking_id, suspension_id
        _copy(
            conn,
            "carehomes_carehome",
            (
                "id, provider_id, cqc_location_id, name, address, postcode, district_id, lat, lng,"
                " location_exact, phone, email, website, description, care_types, facilities,"
                " provides_nursing, provides_residential, irn_framework, cqc_overall_rating,"
                " cqc_rating_published_on, is_active, created_at, details_updated_at,"
                " photos_updated_at, vacancies_updated_at, cqc_updated_at, search_stamp"
            ),
            home_rows,
        )
        _copy(
            conn,
            "carehomes_room",
            (
                "id, home_id, name, contract_type, block_owner_id, accepts_la_rate, accepts_top_up,"
                " features, free_from, created_at, updated_at"
            ),
            room_rows,
        )
        _copy(
            conn,
            "carehomes_booking",
            (
                "id, room_id, status, starts_on, ends_on, person_reference, funding, notes,"
                " requested_by_id, requester_organisation_id, requested_at, decided_by_id,"
                " decided_at, rejection_stage, rejection_reason, rejection_note, cancelled_by_id,"
                " cancelled_at, ended_by_id, ended_at, end_note, reminded_at"
            ),
            booking_rows,
        )
        _copy(
            conn,
            "carehomes_suspension",
            (
                "id, room_id, starts_on, ends_on, reason, note, home_suspension_id, created_by_id,"
                " created_at, lifted_by_id, lifted_at"
            ),
            suspension_rows,
        )
        conn.commit()  # the deferred foreign-key checks run here
        for table in ("carehomes_booking", "carehomes_suspension"):
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for table in (
            "accounts_organisation",
            "accounts_user",
            "geography_district",
            "geography_postcode",
            "carehomes_carehome",
            "carehomes_room",
            "carehomes_booking",
            "carehomes_suspension",
        ):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            conn.execute(f"SELECT setval({sequence}, (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"  generated in {time.perf_counter() - started:.0f} s: {counts}")
    return counts


def _copy(conn: psycopg.Connection, table: str, columns: str, rows: list[tuple]) -> None:
    with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _holds(rng: random.Random, today: dt.date) -> tuple[dt.date | None, list[tuple]]:
    """A room's holds over two years, end to end, and the day it is next free (or None)."""
    holds: list[tuple] = []
    day = today - dt.timedelta(days=730 - rng.randint(0, 60))
    last_end = FREE_SINCE_ALWAYS
    while True:
        stay = int(rng.expovariate(1 / 300)) + 14
        if day + dt.timedelta(days=stay) < today:
            holds.append(("booking", day, day + dt.timedelta(days=stay), "ended"))
            last_end = day + dt.timedelta(days=stay)
            day = last_end + dt.timedelta(days=rng.randint(1, 45))
            continue
        break
    roll = rng.random()
    if roll < 0.82 and day <= today:  # a resident today, most with no end date yet
        if rng.random() < 0.06:
            end = today + dt.timedelta(days=rng.randint(1, 60))
            holds.append(("booking", day, end, "accepted"))
            return end, holds
        holds.append(("booking", day, None, "accepted"))
        return None, holds
    start = max(today, last_end)
    if roll < 0.84:  # vacant, but a request awaits the home's answer
        holds.append(("booking", start + dt.timedelta(days=2), None, "requested"))
        return None, holds
    if roll < 0.86:  # vacant but out of use for a fortnight
        end = start + dt.timedelta(days=14)
        holds.append(("suspension", start, end, ""))
        return end, holds
    return last_end, holds
