"""A strategic partner named for a set of outward codes and a service type (decision 0096)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class StrategicPartnership(models.Model):
    provider = models.ForeignKey(
        "framework.Provider", on_delete=models.PROTECT, related_name="partnerships"
    )
    service_type = models.CharField(max_length=20)
    # The trial period, both days included.
    starts_on = models.DateField()
    ends_on = models.DateField()
    notes = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Ended early by the council; the trial no longer applies from then.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="sourcing_partnership_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} ({self.service_type}, {self.starts_on} to {self.ends_on})"

    @property
    def outward_codes(self) -> list[str]:
        return [a.outward_code for a in self.areas.all()]


class StrategicPartnerArea(models.Model):
    """One outward code of a partnership: one row each, so the package's code is a lookup."""

    partnership = models.ForeignKey(
        StrategicPartnership, on_delete=models.CASCADE, related_name="areas"
    )
    outward_code = models.CharField(max_length=4, db_index=True)

    class Meta:
        ordering = ["outward_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "outward_code"], name="sourcing_partner_area_once"
            ),
        ]

    def __str__(self) -> str:
        return self.outward_code
