"""The task that `submission_receive` enqueues when a visit file arrives."""

from __future__ import annotations

from django.utils import timezone
from huey.contrib.djhuey import db_task

from caremarket.common.jobs import job_register
from caremarket.monitoring.services.submissions import PROCESS_SUBMISSION, submission_process


@db_task(retries=1, retry_delay=30)
def process_submission(submission_id: int) -> str:
    return str(submission_process(submission_id=submission_id, now=timezone.now()).status)


job_register(PROCESS_SUBMISSION, process_submission)
