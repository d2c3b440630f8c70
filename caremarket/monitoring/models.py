from __future__ import annotations

from django.conf import settings
from django.db import models

from caremarket.accounts.models import Organisation
from caremarket.monitoring.ehm.kpis import kpi_rates


class Submission(models.Model):
    """One uploaded visit file. Every upload is kept; at most one is current per period."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSING = "processing", "Checking"
        ACCEPTED = "accepted", "Accepted"
        # Stored and counted like an accepted file; some rows were read with a stated
        # interpretation (decision 0036) that the provider should check.
        ACCEPTED_WITH_WARNINGS = "accepted_warnings", "Accepted with warnings"
        REJECTED = "rejected", "Rejected"
        DUPLICATE = "duplicate", "Already received"
        FAILED = "failed", "Could not be processed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="ehm_submissions"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    period = models.PositiveIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # The first errors ({row, column, value, rule}); the count above is the whole file's.
    errors = models.JSONField(default=list, blank=True)
    # Rows of an accepted file read with an interpretation, listed like errors.
    warning_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_current = models.BooleanField(default=False)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Relative to EHM_STORE_DIR: the uploaded file while waiting, then the Parquet file.
    upload_path = models.CharField(max_length=300, blank=True)
    store_path = models.CharField(max_length=300, blank=True)
    thresholds = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"],
                condition=models.Q(is_current=True),
                name="ehm_one_current_submission_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"EHM submission {self.pk} ({self.filename})"

    @property
    def is_accepted(self) -> bool:
        return self.status in ACCEPTED_STATUSES


ACCEPTED_STATUSES = (Submission.Status.ACCEPTED, Submission.Status.ACCEPTED_WITH_WARNINGS)


class KpiResult(models.Model):
    """The counts behind the KPIs of one submission, for the provider, a branch or a district."""

    class Scope(models.TextChoices):
        PROVIDER = "provider", "Provider"
        BRANCH = "branch", "Branch"
        DISTRICT = "district", "District"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="kpis")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveIntegerField()
    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=20, blank=True)
    label = models.CharField(max_length=255, blank=True)
    visits_total = models.PositiveIntegerField(default=0)
    visits_cancelled = models.PositiveIntegerField(default=0)
    visits_due = models.PositiveIntegerField(default=0)
    visits_missed = models.PositiveIntegerField(default=0)
    visits_frustrated = models.PositiveIntegerField(default=0)
    visits_delivered = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    time_critical_delivered = models.PositiveIntegerField(default=0)
    time_critical_on_time = models.PositiveIntegerField(default=0)
    short_visits = models.PositiveIntegerField(default=0)
    logged_at_home = models.PositiveIntegerField(default=0)
    service_users = models.PositiveIntegerField(default=0)
    carer_assignments = models.PositiveIntegerField(default=0)
    commissioned_minutes = models.BigIntegerField(default=0)
    delivered_minutes = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["period", "scope", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "scope", "key"], name="ehm_kpi_one_per_scope_key"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "period", "scope"])]

    def __str__(self) -> str:
        return f"KPIs P{self.period} {self.scope} {self.key or self.organisation_id}"

    @property
    def rates(self) -> dict[str, float | None]:
        return kpi_rates(vars(self))


class RiskFlag(models.Model):
    """A provider's figures for a period crossed a threshold (or its file is missing)."""

    class Kind(models.TextChoices):
        MISSED_VISITS = "missed_visits", "Missed visits"
        LATENESS = "lateness", "Late visits"
        SHORT_VISITS = "short_visits", "Short visits"
        LOGGED_AT_HOME = "logged_at_home", "Visits not logged at home"
        DELIVERED_HOURS = "delivered_hours", "Hours delivered below commissioned"
        FALLING_TREND = "falling_trend", "Falling punctuality trend"
        MISSING_SUBMISSION = "missing_submission", "Missing submission"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    value = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    detail = models.CharField(max_length=300)
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "organisation__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period", "kind"], name="ehm_one_flag_per_kind_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation_id} P{self.period}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None
