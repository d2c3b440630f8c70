"""The task that `data_import_receive` enqueues when a reference file arrives."""

from __future__ import annotations

from django.utils import timezone
from huey.contrib.djhuey import db_task

from caremarket.common.jobs import job_register
from caremarket.core.services import PROCESS_DATA_IMPORT, data_import_run


@db_task(retries=0)
def data_import_process(run_id: int) -> str:
    return str(data_import_run(run_id=run_id, now=timezone.now()).status)


job_register(PROCESS_DATA_IMPORT, data_import_process)
