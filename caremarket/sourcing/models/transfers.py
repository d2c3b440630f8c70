"""A transfer of care between providers, agreed by all three parties (decision 0093)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed: waiting for agreement"
    AGREED = "agreed", "Agreed by all three: moves on the date"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Transfer(models.Model):
    package = models.ForeignKey(
        "sourcing.Package", on_delete=models.PROTECT, related_name="transfers"
    )
    from_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    to_provider = models.ForeignKey(
        "framework.Provider", on_delete=models.PROTECT, related_name="+"
    )
    # The receiving provider's first day of care; the current order ends the day before.
    transfer_date = models.DateField()
    reason = models.CharField(max_length=500)
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.PROPOSED
    )
    proposed_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Each party's agreement; the proposer's side agrees by proposing.
    from_agreed_at = models.DateTimeField(null=True, blank=True)
    to_accepted_at = models.DateTimeField(null=True, blank=True)
    council_approved_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    new_order_reference = models.CharField(max_length=20, blank=True)
    # The other leg of a swap (each leg names the other): the two are agreed, withdrawn and
    # completed together, so one provider never ends up with both packages or neither.
    swap_with = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["transfer_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["package"],
                condition=Q(status__in=["proposed", "agreed"]),
                name="sourcing_one_open_transfer",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer of {self.package} to {self.to_provider}"

    @property
    def notice_days(self) -> int:
        """Days between the proposal (the council's date) and the receiving provider's first day."""
        return (self.transfer_date - timezone.localdate(self.proposed_at)).days

    @property
    def all_agreed(self) -> bool:
        return bool(self.from_agreed_at and self.to_accepted_at and self.council_approved_at)
