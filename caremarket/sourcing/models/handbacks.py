"""A provider's notice that it will stop delivering a package (decision 0092)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class HandbackReason(models.TextChoices):
    CAPACITY = "capacity", "Capacity"
    STAFFING = "staffing", "Staffing"
    SAFETY = "safety", "Safety"
    PERSONS_CHOICE = "persons_choice", "The person's choice"
    OTHER = "other", "Other"


class HandbackStatus(models.TextChoices):
    GIVEN = "given", "Notice given"
    ACKNOWLEDGED = "acknowledged", "Acknowledged: being re-sourced"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Handback(models.Model):
    package = models.ForeignKey(
        "sourcing.Package", on_delete=models.PROTECT, related_name="handbacks"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=HandbackReason.choices)
    details = models.CharField(max_length=500, blank=True)
    # The provider's last day of care (inclusive); the new provider starts the day after.
    last_day = models.DateField()
    status = models.CharField(
        max_length=12, choices=HandbackStatus.choices, default=HandbackStatus.GIVEN
    )
    given_at = models.DateTimeField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replacement = models.OneToOneField(
        "sourcing.Package",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces_handback",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Set once, the day a gap in the person's care became likely and brokers were warned.
    gap_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["last_day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["package"],
                condition=Q(status__in=["given", "acknowledged"]),
                name="sourcing_one_open_handback",
            ),
        ]

    def __str__(self) -> str:
        return f"Handback of {self.package} by {self.organisation}"
