import datetime as dt

from django.utils import timezone

from caremarket.core.selectors import TIMETABLE
from caremarket.core.services import heartbeat_record
from caremarket.core.tasks import worker_heartbeat


def test_without_a_heartbeat_the_worker_is_reported_late_but_the_web_stays_in_service(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == {
        "ok": False,
        "last_beat_at": None,
        "seconds_ago": None,
        "timetable": {"ok": False, "last_beat_at": None, "seconds_ago": None},
    }
    late = client.get("/healthz/worker")
    assert late.status_code == 503 and late.json()["status"] == "late"


def test_the_every_minute_task_records_the_heartbeat(client, db):
    worker_heartbeat.call_local()
    heartbeat_record(name=TIMETABLE, now=timezone.now())
    response = client.get("/healthz/worker")
    assert response.status_code == 200
    assert response.json()["worker"]["ok"] is True
    assert response.json()["worker"]["seconds_ago"] <= 5


def test_a_heartbeat_older_than_three_minutes_means_the_worker_is_late(client, db):
    heartbeat_record(name=TIMETABLE, now=timezone.now())
    heartbeat_record(now=timezone.now() - dt.timedelta(minutes=3, seconds=5))
    assert client.get("/healthz/worker").status_code == 503
    heartbeat_record(now=timezone.now() - dt.timedelta(minutes=2))
    assert client.get("/healthz/worker").status_code == 200
    assert client.get("/healthz").json()["worker"]["ok"] is True


def test_a_timetable_not_run_for_two_minutes_makes_the_worker_late(client, db):
    heartbeat_record(now=timezone.now())
    heartbeat_record(name=TIMETABLE, now=timezone.now() - dt.timedelta(minutes=2, seconds=5))
    late = client.get("/healthz/worker")
    assert late.status_code == 503
    assert late.json()["worker"]["timetable"]["ok"] is False
    assert client.get("/healthz").json()["worker"]["ok"] is False
    heartbeat_record(name=TIMETABLE, now=timezone.now() - dt.timedelta(minutes=1, seconds=50))
    assert client.get("/healthz/worker").status_code == 200
