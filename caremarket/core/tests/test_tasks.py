"""The task worker's own jobs and the hooks it runs as it starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.utils import timezone
from huey.contrib.djhuey import HUEY

from caremarket.core import tasks
from caremarket.core.models import Heartbeat

ROOT = Path(__file__).resolve().parents[3]


def test_a_starting_worker_loads_the_url_map_before_its_first_job():
    # In a process of its own: this one has long since loaded the URL map.
    code = (
        "import sys, django; django.setup();"
        " from huey.contrib.djhuey import HUEY; import caremarket.core.tasks;"
        " assert 'caremarket.urls' not in sys.modules;"
        " HUEY._startup['_load_url_map']();"
        " assert 'caremarket.urls' in sys.modules and 'caremarket.api' in sys.modules"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "caremarket.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)  # noqa: S603


def test_a_starting_worker_records_a_heartbeat_at_once(db):
    assert HUEY._startup["_beat_on_startup"] is tasks._beat_on_startup
    before = timezone.now()
    tasks._beat_on_startup()
    assert Heartbeat.objects.filter(beat_at__gte=before).exists()
