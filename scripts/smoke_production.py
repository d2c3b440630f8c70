"""Smoke test of the production configuration across processes (CI runs it; docs/deployment.md).

Starts two web nodes (gunicorn, two workers each, DEBUG off, behind a pretend proxy that says
the request came over HTTPS), one Huey worker on Redis, all on one PostgreSQL database and one
shared EHM store folder, then checks what only holds across processes:

1. a booking request sent to one web node is visible to the very next search on the other
   (the answer cache in Redis is shared, and keyed by the homes' search stamps);
2. a visit file uploaded to one web node is processed by the worker and reported by the other;
3. each node reports its database and the worker's heartbeat on /healthz and /healthz/worker;
4. a 300 MB post to the sign-in page is answered 413 at once, from its Content-Length, by a
   worker that read almost none of it, closed the connection and lives on.

    python scripts/smoke_production.py

SMOKE_PG (default postgres://postgres@127.0.0.1:5432) is the server on which the database
SMOKE_DATABASE (default caremarket_smoke) is created afresh; SMOKE_REDIS_URL (default
redis://127.0.0.1:6379/4) must be a Redis database of its own: it is emptied.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import http.client
import io
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("SMOKE_DATABASE", "caremarket_smoke")
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/4")
PROXY = {"X-Forwarded-Proto": "https", "Host": "care.example"}


def step(text: str) -> None:
    print(f"  - {text}", flush=True)


def fail(text: str) -> None:
    raise SystemExit(f"SMOKE TEST FAILED: {text}")


def environment(store: Path) -> dict[str, str]:
    """What every process of the deployment shares (docs/deployment.md, Configuration)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "caremarket.settings",
        "DATABASE_URL": f"{PG_SERVER}/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "care.example",
        "CONN_MAX_AGE": "60",
        "EHM_STORE_DIR": str(store / "ehm"),
        "MEDIA_ROOT": str(store / "media"),
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        "WORKERS": "2",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(
    port: int,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
) -> tuple[int, dict]:
    headers = dict(PROXY)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if content_type:
        headers["Content-Type"] = content_type
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, {"body": data[:300].decode(errors="replace")}


@contextlib.contextmanager
def process(name: str, args: list[str], env: dict[str, str], log: Path) -> Iterator[None]:
    with log.open("w") as out:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    if proc.returncode not in (0, -15):
        print(f"    {name} exited with {proc.returncode}; its log:\n{log.read_text()[-3000:]}")


def web_node(port: int) -> list[str]:
    return [
        PYTHON,
        "-m",
        "gunicorn",
        "caremarket.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--access-logfile",
        "-",
    ]


def wait_healthy(port: int, name: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            if request(port, "GET", "/healthz")[0] == 200:
                return
        time.sleep(0.3)
    fail(f"{name} did not become healthy in 60 s")


def prepare(env: dict[str, str]) -> None:
    import psycopg
    import redis

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def seed(env: dict[str, str]) -> dict[str, object]:
    """The people and places the checks need, made through the services."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    from caremarket.accounts.models import OrganisationKind, Role
    from caremarket.accounts.services import api_token_create, organisation_create, user_create
    from caremarket.carehomes import services as carehomes
    from caremarket.cqc.models import CqcLocation
    from caremarket.geography.models import Postcode

    now = timezone.now()
    Postcode.objects.create(postcode="CM1 1AA", oslaua="E07000070", lat=51.7356, lng=0.4685)

    def org(name: str, kind: str, reference: str = "") -> object:
        return organisation_create(actor=None, name=name, kind=kind, reference=reference, now=now)

    def token_for(organisation: object, email: str, role: str) -> str:
        user = user_create(
            actor=None,
            organisation=organisation,  # type: ignore[arg-type]
            email=email,
            full_name=email.split("@")[0].title(),
            role=role,
            send_invitation=False,
            now=now,
        )
        return api_token_create(actor=user, name="smoke test", now=timezone.now())[1]

    council = org("Smoke County Council", OrganisationKind.COUNCIL)
    homes = org("Smoke Care Homes", OrganisationKind.CARE_HOME_PROVIDER)
    agency = org("Smoke Home Care", OrganisationKind.HOME_CARE_PROVIDER, reference="1-000000009")
    home = carehomes.care_home_create(
        actor=None,
        provider=homes,  # type: ignore[arg-type]
        cqc_location_id="1-000000101",
        name="Smoke House",
        address="1 High Street, Chelmsford",
        postcode="CM1 1AA",
        now=now,
    )
    room = carehomes.room_create(
        actor=None, home=home, name="Room 1", contract_type="spot", now=now, accepts_la_rate=True
    )
    CqcLocation.objects.create(
        location_id="1-200000001",
        provider_id="1-000000009",
        name="Smoke Home Care Chelmsford",
        postcode="CM1 1AA",
        registered=True,
        updated_at=now,
    )
    return {
        "broker": token_for(council, "broker@smoke.example", Role.BROKER),
        "agency": token_for(agency, "office@smoke.example", Role.PROVIDER_USER),
        "room": room.pk,
        "today": timezone.localdate(now).isoformat(),
    }


def visit_file() -> bytes:
    """Twenty delivered visits in the third four-week period (docs/ehm-file-spec.md)."""
    from caremarket.monitoring.ehm.spec import COLUMN_NAMES

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    for n in range(20):
        day = dt.date(2026, 1, 6) + dt.timedelta(days=n % 10)
        row = {
            "provider_reference": "1-000000009",
            "branch_reference": "1-200000001",
            "period_start": "2026-01-05",
            "visit_reference": f"V{n:05d}",
            "service_user_reference": f"P{n % 4}",
            "carer_reference": f"C{n % 3}",
            "service_type": "PC",
            "time_critical": "N",
            "planned_start": f"{day} 08:00",
            "planned_end": f"{day} 09:00",
            "actual_check_in": f"{day} 08:05",
            "actual_check_out": f"{day} 09:00",
            "check_in_method": "APP",
            "carers": "1",
            "visit_status": "DELIVERED",
            "exception_code": "",
        }
        writer.writerow([row.get(c, "") for c in COLUMN_NAMES])
    return out.getvalue().encode()


def multipart(field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"'
            "\r\nContent-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def rooms_found(port: int, token: str) -> set[int]:
    status, body = request(port, "GET", "/api/v1/vacancies?postcode=CM1+1AA", token=token)
    if status != 200:
        fail(f"search answered {status}: {body}")
    return {room["id"] for home in body["results"] for room in home["rooms"] or []}


def check_booking_across_nodes(a: int, b: int, seeded: dict[str, object]) -> None:
    broker, room = str(seeded["broker"]), int(seeded["room"])  # type: ignore[call-overload]
    if room not in rooms_found(b, broker):
        fail("the free room is not found on node B")
    step("node B finds the free room (its answer is now in the shared cache)")
    status, booking = request(
        a,
        "POST",
        "/api/v1/booking-requests",
        token=broker,
        body=json.dumps(
            {
                "room_id": room,
                "starts_on": seeded["today"],
                "person_reference": "SMOKE-1",
                "funding": "local_authority",
            }
        ).encode(),
        content_type="application/json",
    )
    if status != 201:
        fail(f"the booking request on node A answered {status}: {booking}")
    step(f"node A takes booking request {booking['id']}")
    if room in rooms_found(b, broker):
        fail("node B still offers the room after node A booked it (stale answer)")
    if room in rooms_found(a, broker):
        fail("node A still offers the room it booked")
    step("the very next search on node B (and on A) no longer offers the room")


def check_visit_file_through_the_worker(a: int, b: int, seeded: dict[str, object]) -> None:
    agency = str(seeded["agency"])
    body, content_type = multipart("file", "visits-period-3.csv", visit_file())
    status, submission = request(
        a, "POST", "/api/v1/ehm/submissions", token=agency, body=body, content_type=content_type
    )
    # The worker on Redis may already have started on it by the time the answer is written.
    if status != 202 or submission.get("status") not in ("received", "processing"):
        fail(f"the upload on node A answered {status}: {submission}")
    step(f"node A received visit file {submission['id']}; the worker has it queued")
    deadline = time.time() + 90
    while time.time() < deadline:
        status, seen = request(
            b, "GET", f"/api/v1/ehm/submissions/{submission['id']}", token=agency
        )
        if status == 200 and seen["status"] not in ("received", "processing"):
            break
        time.sleep(0.5)
    else:
        fail("the worker did not process the visit file within 90 s")
    if seen["status"] != "accepted" or seen.get("rows") != 20:
        fail(f"the worker's outcome was {seen}")
    step(f"the worker accepted it ({seen['rows']} visits); node B reports it")


def check_health(a: int, b: int) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        statuses = [request(port, "GET", "/healthz/worker")[0] for port in (a, b)]
        if statuses == [200, 200]:
            break
        time.sleep(0.5)
    else:
        fail(f"/healthz/worker answered {statuses}: no heartbeat from the worker")
    for port in (a, b):
        status, body = request(port, "GET", "/healthz")
        if status != 200 or body["database"]["vendor"] != "postgresql":
            fail(f"/healthz on port {port}: {status} {body}")
    step("both nodes report PostgreSQL and the worker's heartbeat")


HUGE_POST_BYTES = 300 * 1024 * 1024


def check_huge_post_refused(port: int, log: Path) -> None:
    """The sign-in page refuses 300 MB from its Content-Length, before reading the body."""
    boots = log.read_text().count("Booting worker")
    head = (
        "POST /accounts/sign-in/ HTTP/1.1\r\nHost: care.example\r\nX-Forwarded-Proto: https\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {HUGE_POST_BYTES}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        # A first megabyte of the body, as a client streaming an upload would start with.
        chunk = b"username=a%40b.example&password=" + b"x" * (1024 * 1024 - 32)
        sock.sendall(chunk)
        sent = len(chunk)
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
        elapsed = time.monotonic() - started
        # The worker has answered and closed: the rest of the 300 MB has nowhere to go.
        refused_more = False
        try:
            for _ in range(64):
                sock.sendall(b"x" * (1024 * 1024))
                sent += 1024 * 1024
        except OSError:
            refused_more = True
    status_line = answer.split(b"\r\n", 1)[0].decode(errors="replace")
    if " 413 " not in f"{status_line} ":
        fail(f"a 300 MB post to the sign-in page answered {status_line!r}")
    if elapsed > 2:
        fail(f"the 413 for a 300 MB post took {elapsed:.1f} s")
    if not refused_more:
        fail(f"the connection still took the body after the 413 ({sent / 1024 / 1024:.0f} MB sent)")
    if request(port, "GET", "/healthz")[0] != 200:
        fail("the web node is not healthy after the 300 MB post")
    time.sleep(0.5)
    if log.read_text().count("Booting worker") != boots:
        fail("a gunicorn worker was restarted after the 300 MB post")
    step(
        f"a 300 MB post to the sign-in page: {status_line[9:]} in {elapsed * 1000:.0f} ms after"
        f" {sent / 1024 / 1024:.0f} MB, the connection closed, no worker restarted"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="caremarket-smoke-") as scratch:
        shared = Path(scratch)
        env = environment(shared)
        print("Production smoke test: two web nodes, one worker, PostgreSQL, Redis")
        prepare(env)
        seeded = seed(env)
        a, b = free_port(), free_port()
        with (
            process("web node A", web_node(a), env, shared / "web-a.log"),
            process("web node B", web_node(b), env, shared / "web-b.log"),
            process("worker", [PYTHON, "manage.py", "run_huey"], env, shared / "worker.log"),
        ):
            wait_healthy(a, "web node A")
            wait_healthy(b, "web node B")
            step(f"web nodes on ports {a} and {b}, worker on {REDIS_URL}")
            check_booking_across_nodes(a, b, seeded)
            check_visit_file_through_the_worker(a, b, seeded)
            check_health(a, b)
            check_huge_post_refused(a, shared / "web-a.log")
        print("Production smoke test passed")
        print("smoke: 4 passed, 0 failed")


if __name__ == "__main__":
    main()
