"""What the benchmarks share: a scratch database, a production-like server, percentiles."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def pg_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def pg_recreate(name: str) -> str:
    """Drop and create a scratch PostgreSQL database; returns its URL."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url(name)


def pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def server_env(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off), on plain HTTP on the loopback interface."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",  # 409s are logged as warnings: expected here
        "DJANGO_SETTINGS_MODULE": "caremarket.settings",
    }


def manage(database_url: str, *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=server_env(database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(
    database_url: str, *, workers: int, threads: int = 1, env: dict[str, str] | None = None
) -> Iterator[int]:
    """A gunicorn server for the duration of the block; yields its port."""
    port = free_port()
    worker_class = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "caremarket.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *worker_class,
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**server_env(database_url), **(env or {})},
    )
    SERVERS[port] = process.pid
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        SERVERS.pop(port, None)
        process.terminate()
        process.wait(timeout=30)


# The gunicorn master of each running server, by port.
SERVERS: dict[int, int] = {}


def server_cpu_seconds(port: int) -> float:
    """CPU time (user + system) the server's worker processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == SERVERS[port]:  # the parent's pid: a worker of this server
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def post(port: int, path: str, body: object, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={"Content-Type": "application/json", **headers},
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def load_average() -> str:
    """The machine's load (1, 5 and 15 minutes), as `uptime` shows it: others share the cores."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_paths.lua"


def wrk(
    port: int, requests: list[tuple[str, str | None]], *, connections: int, duration: float
) -> dict[str, float]:
    """Debian's wrk (C, outside this Python) sending `requests` round-robin: (path, token).

    Latencies in ms, as `drive` reports them; wrk opens `connections` and keeps each busy.
    """
    import shutil
    import tempfile

    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        for path, token in requests:
            listing.write(f"{path}\t{token}\n" if token else f"{path}\n")
        listing.flush()
        out = subprocess.run(
            [
                "wrk",
                "--threads",
                "2",
                "--connections",
                str(connections),
                "--duration",
                f"{round(duration)}s",
                "--timeout",
                "30s",
                "--script",
                str(WRK_SCRIPT),
                f"http://127.0.0.1:{port}",
            ],
            env={**os.environ, "WRK_REQUESTS": listing.name},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    row = json.loads(out.strip().splitlines()[-1])
    return {"clients": connections, **row}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def drive(clients: int, duration: float, one_request: Callable[[int], bool]) -> dict[str, float]:
    """`clients` threads back to back for `duration` seconds; latencies in ms.

    `one_request(i)` makes one request and says whether it succeeded; each thread counts its
    own i from its number in steps of `clients`, so threads share out a list of samples.
    """
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + duration

    def worker(n: int) -> None:
        i = n
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < stop:
            started = time.perf_counter()
            ok = one_request(i)
            mine.append((time.perf_counter() - started) * 1000)
            bad += not ok
            i += clients
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors[0],
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies), 1),
        "per_second": round(len(latencies) / elapsed, 1),
    }
