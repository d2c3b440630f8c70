"""The Available Packages list and the rates providers propose for its packages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from caremarket.accounts.models import Organisation
from caremarket.sourcing.models.packages import Package


class AvailableList(models.Model):
    issued_at = models.DateTimeField(unique=True)
    packages = models.ManyToManyField(Package, related_name="available_lists")

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Available Packages {self.issued_at:%a %d %b %Y}"


class RateProposal(models.Model):
    """A framework or spot provider's offer to take a package from the Available Packages list."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the council"
        ACCEPTED = "accepted", "Accepted"
        NOT_TAKEN = "not_taken", "Not taken"

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="proposals")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(max_digits=8, decimal_places=2)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["rate", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "organisation"],
                condition=Q(status="open"),
                name="sourcing_one_open_proposal",
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="sourcing_proposal_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} £{self.rate} for {self.package}"
