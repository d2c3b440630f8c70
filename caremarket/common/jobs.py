"""Queued jobs by name, so that a service can enqueue the work it leaves for the worker.

A task module (`queue.py`) imports the service it runs, so the service cannot import the task
(import-linter keeps services below entry points). Each app's configuration registers its
tasks here when Django starts, in the web processes and the worker alike; a service then
enqueues by name once its transaction commits, so a rolled-back change never queues anything.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

_JOBS: dict[str, Callable[..., object]] = {}


def job_register(name: str, task: Callable[..., object]) -> None:
    _JOBS[name] = task


def job_enqueue_on_commit(name: str, *args: int | str) -> None:
    """Queue the job `name` with `args` when the current transaction commits."""
    # Looked up now, not at commit: an unregistered job fails inside the service's transaction.
    task = _JOBS[name]
    transaction.on_commit(lambda: task(*args))
