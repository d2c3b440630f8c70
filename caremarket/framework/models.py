"""The Live at Home framework: providers, branches, lots, ranked lists, prices, purchase orders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from caremarket.accounts.models import Organisation
from caremarket.geography.models import District

TIER1_MAX_PER_DISTRICT = 10


class ServiceType(models.TextChoices):
    PERSONAL_CARE = "personal_care", "Personal Care"
    NIGHT_AWAKE = "night_awake", "Night Awake"
    NIGHT_SLEEP = "night_sleep", "Night Sleep"
    LIVE_IN = "live_in", "24-hour / Live-in Care"


class Cohort(models.TextChoices):
    OLDER_PEOPLE = "older_people", "Older people"
    LD_AUTISM = "ld_autism", "Learning disability and autism"


class Tier(models.IntegerChoices):
    ONE = 1, "Tier 1"
    TWO = 2, "Tier 2"


class Provider(models.Model):
    """A home care provider's place on the framework (its agreement)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="framework_provider"
    )
    cqc_provider_id = models.CharField("CQC provider ID", max_length=20, unique=True)
    joined_on = models.DateField()
    is_active = models.BooleanField(default=True)
    # The day the agreement ended (off the framework from then); the history is kept.
    left_on = models.DateField(null=True, blank=True)
    left_reason = models.CharField(max_length=300, blank=True)
    # Derived from the CQC ratings of its listed branches at the last refresh.
    tier1_eligible = models.BooleanField(default=False)
    eligibility_problems = models.JSONField(default=list, blank=True)
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    # Set when a provider on tier 1 stopped meeting the tier-1 standard; cleared when it does again.
    eligibility_lost_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    NOT_REGISTERED = "not_registered", "Not registered (archived or deregistered)"
    UNKNOWN = "unknown", "Not found in the CQC directory"


class Branch(models.Model):
    """A registered office the provider delivers from; only listed branches may deliver."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="branches")
    cqc_location_id = models.CharField("CQC location ID", max_length=20, unique=True)
    name = models.CharField(max_length=255)
    address = models.CharField(max_length=500, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    registration_status = models.CharField(
        max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.UNKNOWN
    )
    registration_checked_at = models.DateTimeField(null=True, blank=True)
    listed_in_agreement = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return f"{self.name} ({self.cqc_location_id})"


class BranchChangeRequest(models.Model):
    """A provider's request to add, remove or replace a branch in its agreement."""

    class Kind(models.TextChoices):
        ADD = "add", "Add a branch"
        REMOVE = "remove", "Remove a branch"
        REPLACE = "replace", "Replace a branch"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="change_requests")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="change_requests"
    )
    new_cqc_location_id = models.CharField(
        "new branch's CQC location ID", max_length=20, blank=True
    )
    new_name = models.CharField("new branch's name", max_length=255, blank=True)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.provider}"


class Lot(models.Model):
    """District × service type × cohort: the unit that has a ranked list and a rate."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="framework_lots")
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    cohort = models.CharField(max_length=20, choices=Cohort.choices)

    class Meta:
        ordering = ["district__name", "service_type", "cohort"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "service_type", "cohort"], name="framework_lot_unique"
            ),
        ]

    def __str__(self) -> str:
        service, cohort = self.get_service_type_display(), self.get_cohort_display()
        return f"{self.district.name} · {service} · {cohort}"

    @property
    def rate_unit(self) -> str:
        """How the lot's service type is priced: every rate for it is per this unit."""
        return SERVICE_TYPE_UNITS[ServiceType(self.service_type)]

    @property
    def rate_unit_label(self) -> str:
        return RateUnit(self.rate_unit).label


class RankedListVersion(models.Model):
    """One issue of every ranked list. Issued versions are never changed, only superseded."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        DISCARDED = "discarded", "Discarded"

    number = models.PositiveIntegerField(null=True, blank=True, unique=True)  # set when issued
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(null=True, blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(status="discarded")
                | Q(number__isnull=False, effective_from__isnull=False, issued_at__isnull=False),
                name="framework_issued_version_complete",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return f"Ranked lists version {self.number}"
        return f"Draft ranked lists ({self.source or 'unsaved'})"


class RankedListEntry(models.Model):
    version = models.ForeignKey(RankedListVersion, on_delete=models.CASCADE, related_name="entries")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="positions")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    position = models.PositiveSmallIntegerField()
    price_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    quality_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["lot", "tier", "position"]
        verbose_name_plural = "ranked list entries"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "lot", "provider"], name="framework_entry_provider_once"
            ),
            models.UniqueConstraint(
                fields=["version", "lot", "tier", "position"], name="framework_entry_position_once"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="framework_position_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.lot}: tier {self.tier} #{self.position} {self.provider}"


class RateUnit(models.TextChoices):
    HOUR = "hour", "an hour"
    NIGHT = "night", "a night"
    WEEK = "week", "a week"


# The price matrix prices personal care by the hour, night services by the night and live-in
# care by the week; a rate agreed outside the matrix is asked for in the same unit.
SERVICE_TYPE_UNITS: dict[ServiceType, str] = {
    ServiceType.PERSONAL_CARE: RateUnit.HOUR,
    ServiceType.NIGHT_AWAKE: RateUnit.NIGHT,
    ServiceType.NIGHT_SLEEP: RateUnit.NIGHT,
    ServiceType.LIVE_IN: RateUnit.WEEK,
}


class PriceYear(models.Model):
    """A framework year: rates for new packages are refreshed each year."""

    label = models.CharField(max_length=20, unique=True)
    starts_on = models.DateField(unique=True)
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="framework_year_ends_after"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class MatrixRate(models.Model):
    """One rate a provider may choose: per year and service type, and district where it differs."""

    year = models.ForeignKey(PriceYear, on_delete=models.PROTECT, related_name="rates")
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    # Blank: the rate applies in every district without rates of its own.
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    band = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    unit = models.CharField(max_length=10, choices=RateUnit.choices, default=RateUnit.HOUR)

    class Meta:
        ordering = ["year", "service_type", "district__name", "amount"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "service_type", "district", "band"],
                name="framework_rate_band_once",
            ),
            models.UniqueConstraint(
                fields=["year", "service_type", "band"],
                condition=Q(district__isnull=True),
                name="framework_rate_band_once_everywhere",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="framework_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_service_type_display()} {self.band}: £{self.amount}"


class RateSelection(models.Model):
    """The rate a provider chose for one lot in one year."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="rate_selections")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey(PriceYear, on_delete=models.PROTECT, related_name="+")
    rate = models.ForeignKey(MatrixRate, on_delete=models.PROTECT, related_name="+")
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    selected_at = models.DateTimeField()

    class Meta:
        ordering = ["year", "lot"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "lot", "year"], name="framework_one_rate_per_lot_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.lot} {self.year}: £{self.rate.amount}"


class PurchaseOrder(models.Model):
    """The price of a package from a date. A change of hours ends one and issues the next."""

    class Reason(models.TextChoices):
        NEW_PACKAGE = "new_package", "New package"
        CHANGE_OF_HOURS = "change_of_hours", "Change of hours"
        CARRIED_OVER = "carried_over", "Carried over from the previous framework"
        TRANSFER = "transfer", "Transfer of care to another provider"

    class Pricing(models.TextChoices):
        MATRIX = "matrix", "Price matrix"
        AGREED = "agreed", "Rate agreed for the package"
        SPOT = "spot", "Spot purchase"

    reference = models.CharField(max_length=20, unique=True)
    package_reference = models.CharField(max_length=40, db_index=True)
    # Empty for a spot agency, which has no framework agreement (decision 0074).
    provider = models.ForeignKey(
        Provider,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchase_orders",
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Matrix orders are repriced when the hours change; agreed and spot rates stay as agreed.
    pricing = models.CharField(max_length=10, choices=Pricing.choices, default=Pricing.MATRIX)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    hours_per_week = models.DecimalField(max_digits=6, decimal_places=2)
    rate = models.DecimalField(max_digits=8, decimal_places=2)
    unit = models.CharField(max_length=10, choices=RateUnit.choices, default=RateUnit.HOUR)
    rate_selection = models.ForeignKey(
        RateSelection, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)  # the day before its successor starts
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["package_reference", "starts_on", "pk"]
        constraints = [
            # A package has one current purchase order at a time.
            models.UniqueConstraint(
                fields=["package_reference"],
                condition=Q(ends_on__isnull=True),
                name="framework_one_open_po_per_package",
            ),
            models.CheckConstraint(
                condition=~Q(pricing="matrix") | Q(provider__isnull=False),
                name="framework_po_matrix_has_provider",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0), name="framework_po_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.package_reference})"
