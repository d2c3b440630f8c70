"""Packages of care, the offers made for them, and every sourcing decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from caremarket.accounts.models import Organisation
from caremarket.framework.models import Lot, Provider, RankedListVersion
from caremarket.geography.models import District
from caremarket.sourcing.engine.model import Outcome, PassedOver, Route, Stage


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
