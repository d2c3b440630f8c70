"""The task that pages, the API and the drop folder enqueue when a reference file arrives."""

from __future__ import annotations

from django.utils import timezone
from huey.contrib.djhuey import db_task

from caremarket.core.services import data_import_run


@db_task(retries=0)
def data_import_process(run_id: int) -> str:
    return str(data_import_run(run_id=run_id, now=timezone.now()).status)
