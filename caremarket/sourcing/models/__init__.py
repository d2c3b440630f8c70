"""Packages, offers, the Batching and Available Packages lists, and every sourcing decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from caremarket.accounts.models import Organisation
from caremarket.framework.models import Lot, Provider, RankedListVersion
from caremarket.geography.models import District
from caremarket.sourcing.engine.model import Outcome, PassedOver, Route, Stage
from caremarket.sourcing.engine.timetable import StepKind


class StageChoices(models.TextChoices):
    NEW = Stage.NEW.value, "New"
    TIER1 = Stage.TIER1.value, "Offering to tier 1"
    BATCHING = Stage.BATCHING.value, "On the Batching List"
    TIER2 = Stage.TIER2.value, "Offering to tier 2"
    AVAILABLE = Stage.AVAILABLE.value, "On the Available Packages list"
    PLACED = Stage.PLACED.value, "Placed"
    CANCELLED = Stage.CANCELLED.value, "Cancelled"
    ENDED = Stage.ENDED.value, "Ended"


class RouteChoices(models.TextChoices):
    TIER1 = Route.TIER1.value, "Tier 1 in rank order"
    BATCHING = Route.BATCHING.value, "Batching List"
    TIER2 = Route.TIER2.value, "Tier 2 in rank order"
    AVAILABLE = Route.AVAILABLE.value, "Available Packages list"
    MINI_COMPETITION = Route.MINI_COMPETITION.value, "Mini-competition"
    SPOT = Route.SPOT.value, "Spot purchase"


class OutcomeChoices(models.TextChoices):
    ACCEPTED = Outcome.ACCEPTED.value, "Accepted"
    DECLINED = Outcome.DECLINED.value, "Declined"
    LAPSED = Outcome.LAPSED.value, "Lapsed (no answer in time)"
    WITHDRAWN = Outcome.WITHDRAWN.value, "Withdrawn"


class PassedOverChoices(models.TextChoices):
    LEFT_FRAMEWORK = PassedOver.LEFT_FRAMEWORK.value, "Left the framework"
    NO_LONGER_ELIGIBLE = PassedOver.NO_LONGER_ELIGIBLE.value, "No longer eligible for tier 1"
    DECLINED = PassedOver.DECLINED.value, "Declined"
    LAPSED = PassedOver.LAPSED.value, "Lapsed (no answer in time)"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent (hospital discharge or crisis)"


class Package(models.Model):
    """A package of home care to source. The person's identity stays with the council."""

    reference = models.CharField(max_length=20, unique=True)
    # The council's case reference: never shown to providers.
    person_reference = models.CharField(max_length=40)
    postcode = models.CharField(max_length=8)
    outward_code = models.CharField(max_length=4, db_index=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    hours_per_week = models.DecimalField(max_digits=6, decimal_places=2)
    visit_pattern = models.CharField(max_length=300)
    start_date = models.DateField()
    needs = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    stage = models.CharField(
        max_length=12, choices=StageChoices.choices, default=Stage.NEW.value, db_index=True
    )
    awaiting_batching = models.BooleanField(default=False)
    awaiting_available_list = models.BooleanField(default=False)
    batching_closes_at = models.DateTimeField(null=True, blank=True)
    placed_with = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(null=True, blank=True)
    route = models.CharField(max_length=20, choices=RouteChoices.choices, blank=True)
    # For placements outside the price matrix (Available Packages proposals, spot).
    agreed_rate = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField()
    # When sourcing stopped without a placement; with placed_at it dates every wait.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The last day of care once a placed package has ended (inclusive, like purchase orders).
    ended_on = models.DateField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["stage", "lot"], name="sourcing_package_stage_lot")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("start_date")),
                name="sourcing_package_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Offer(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="offers")
    seq = models.PositiveSmallIntegerField()
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offers")
    stage = models.CharField(max_length=12, choices=StageChoices.choices)
    offered_at = models.DateTimeField()
    deadline = models.DateTimeField(db_index=True)
    list_version = models.ForeignKey(
        RankedListVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=OutcomeChoices.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    # The tier and position the provider held in `list_version` when offered (decision 0073):
    # kept as issued, so a leaver above it never renumbers anyone.
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    # Why the package moved on from this provider, once it did.
    passed_over = models.CharField(max_length=20, choices=PassedOverChoices.choices, blank=True)

    class Meta:
        ordering = ["package", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["package", "seq"], name="sourcing_offer_seq_once"),
            # A package has at most one open offer at a time.
            models.UniqueConstraint(
                fields=["package"], condition=Q(outcome=""), name="sourcing_one_open_offer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} to {self.provider}"

    @property
    def is_open(self) -> bool:
        return not self.outcome


class SourcingDecision(models.Model):
    """Every step the engine took for a package, with its reason and the list version it used."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="decisions")
    at = models.DateTimeField()
    kind = models.CharField(max_length=20)
    stage = models.CharField(max_length=12, choices=StageChoices.choices)
    reason = models.TextField()
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    list_version = models.ForeignKey(
        RankedListVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An offer made first to the area's strategic partner (decision 0096).
    strategic_partner = models.BooleanField(default=False)
    # Whether round fit informed a placement where the council chooses (Batching List,
    # Available Packages, mini-competition, spot); null where the ranked list alone decides.
    round_fit_used = models.BooleanField(null=True, blank=True)
    # A provider above the one offered that was not offered at all ("passed_over" decisions):
    # its issued tier and position and why (left the framework, no longer eligible).
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    passed_over = models.CharField(max_length=20, choices=PassedOverChoices.choices, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.package} {self.kind} {self.at:%Y-%m-%d %H:%M}"


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


# Defined in their own modules so each concept stays small; imported here so Django finds them.
from caremarket.sourcing.models.handbacks import (  # noqa: E402
    Handback,
    HandbackReason,
    HandbackStatus,
)
from caremarket.sourcing.models.partners import (  # noqa: E402
    StrategicPartnerArea,
    StrategicPartnership,
)
from caremarket.sourcing.models.rounds import VisitCall, VisitWeek  # noqa: E402
from caremarket.sourcing.models.transfers import Transfer, TransferStatus  # noqa: E402

__all__ = [
    "AvailableList",
    "BatchingList",
    "BatchingListLine",
    "BatchingReturn",
    "CareBookImport",
    "Handback",
    "HandbackReason",
    "HandbackStatus",
    "Offer",
    "OutcomeChoices",
    "Package",
    "RateProposal",
    "RouteChoices",
    "SourcingDecision",
    "StageChoices",
    "StrategicPartnerArea",
    "StrategicPartnership",
    "TimetableRun",
    "Transfer",
    "TransferStatus",
    "Urgency",
    "VisitCall",
    "VisitWeek",
]
