"""Visit calls: a package's visits as data, read by round fit (decision 0090)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from caremarket.sourcing.engine.visit_pattern import WEEK_MINUTES, WEEKDAY_NAMES, Call

WEEK_BYTES = (WEEK_MINUTES + 7) // 8


class VisitCall(models.Model):
    """One call of a package's weekly pattern, on one weekday, in council wall-clock time."""

    package = models.ForeignKey("sourcing.Package", on_delete=models.CASCADE, related_name="calls")
    weekday = models.PositiveSmallIntegerField(
        choices=[(i, name) for i, name in enumerate(WEEKDAY_NAMES)]
    )
    start = models.TimeField()
    minutes = models.PositiveSmallIntegerField()
    carers = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["package", "weekday", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "weekday", "start"], name="sourcing_call_once"
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="sourcing_call_weekday_in_week"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=5, minutes__lte=1440), name="sourcing_call_length"
            ),
            models.CheckConstraint(
                condition=Q(carers__gte=1, carers__lte=4), name="sourcing_call_carers"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package_id} {self.as_call().label}"

    def as_call(self) -> Call:
        return Call(
            weekday=self.weekday, start=self.start, minutes=self.minutes, carers=self.carers
        )


class VisitWeek(models.Model):
    """A package's calls as one bit per minute of the week (start to end inclusive).

    A read model written with the calls by `package_visit_pattern_set`: round fit ORs the
    weeks of a provider's nearby clients and ANDs a call's reach against them, reading one
    short row per client instead of every call (decision 0091).
    """

    package = models.OneToOneField(
        "sourcing.Package", on_delete=models.CASCADE, primary_key=True, related_name="visit_week"
    )
    minutes = models.BinaryField(max_length=WEEK_BYTES)

    def __str__(self) -> str:
        return f"Visit week of {self.package_id}"
