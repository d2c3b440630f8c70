"""The steps of the sourcing timetable that have run."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from caremarket.sourcing.engine.timetable import StepKind
from caremarket.sourcing.models.available import AvailableList
from caremarket.sourcing.models.batching import BatchingList


class TimetableRun(models.Model):
    """One timed step of the sourcing timetable, done once: when it was due and when it ran.

    Unique on (kind, due_at): a worker that runs late, twice or on two machines at once finds
    the step already recorded and does nothing (decision 0071).
    """

    class Kind(models.TextChoices):
        BATCHING_ISSUE = StepKind.BATCHING_ISSUE.value, "Batching List issued"
        BATCHING_CLOSE = StepKind.BATCHING_CLOSE.value, "Batching List returns closed"
        AVAILABLE_ISSUE = StepKind.AVAILABLE_ISSUE.value, "Available Packages list issued"

    class Outcome(models.TextChoices):
        DONE = "done", "Done"
        NOT_NEEDED = "not_needed", "Not needed: no package was waiting"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField()
    late = models.BooleanField(default=False)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    # A broker who issued a list now, ahead of the timetable; empty for the scheduled steps.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batching_list = models.ForeignKey(
        BatchingList, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    available_list = models.ForeignKey(
        AvailableList, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "due_at"], name="sourcing_timetable_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d %H:%M}"
