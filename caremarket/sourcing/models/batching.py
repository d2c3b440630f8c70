"""The Batching List and the tier-1 providers' returns to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from caremarket.framework.models import Provider
from caremarket.sourcing.models.packages import Package


class BatchingList(models.Model):
    issued_at = models.DateTimeField(unique=True)
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    packages = models.ManyToManyField(Package, related_name="batching_lists")

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Batching List {self.issued_at:%d %b %Y %H:%M}"

    @property
    def reference(self) -> str:
        return f"BL-{self.pk:05d}"


class BatchingReturn(models.Model):
    """A tier-1 provider's answer for one package on one Batching List."""

    batching_list = models.ForeignKey(
        BatchingList, on_delete=models.CASCADE, related_name="returns"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="+")
    interested = models.BooleanField()
    returned_at = models.DateTimeField()
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batching_list", "provider", "package"], name="sourcing_return_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {'wants' if self.interested else 'passes on'} {self.package}"


class BatchingListLine(models.Model):
    """One package on the Batching List as issued to one tier-1 provider, and whether that
    provider's list showed round-fit figures for it (decision 0094): the close reads it to
    record whether round fit informed the choice. Lists issued before lines were kept have
    none, and their decisions say nothing either way."""

    batching_list = models.ForeignKey(BatchingList, on_delete=models.CASCADE, related_name="lines")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="+")
    round_fit_shown = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batching_list", "provider", "package"], name="sourcing_list_line_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} on {self.batching_list} for {self.provider}"
