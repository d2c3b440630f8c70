"""The loads of the council's book of care."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CareBookImport(models.Model):
    """One load of the care the council already commissions (its case system's export).

    Once a book has been loaded, visit files are checked against it: each person a provider
    reports must be one the council funds with that provider (decision 0041).
    """

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()
    packages = models.PositiveIntegerField(default=0)
    purchase_orders = models.PositiveIntegerField(default=0)
    spot_packages = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"Book of care {self.filename}"
