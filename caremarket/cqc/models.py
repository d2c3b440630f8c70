from __future__ import annotations

from django.db import models


class Domain(models.TextChoices):
    OVERALL = "Overall"
    SAFE = "Safe"
    EFFECTIVE = "Effective"
    CARING = "Caring"
    RESPONSIVE = "Responsive"
    WELL_LED = "Well-led"


class Rating(models.TextChoices):
    OUTSTANDING = "Outstanding"
    GOOD = "Good"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    INADEQUATE = "Inadequate"
    NOT_RATED = "Not rated"


GOOD_OR_BETTER = frozenset({Rating.OUTSTANDING, Rating.GOOD})


class CqcLocation(models.Model):
    """A CQC-registered location (a care home, or a home care branch) from the care directory."""

    location_id = models.CharField(max_length=20, unique=True)
    provider_id = models.CharField(max_length=20, db_index=True, blank=True)
    name = models.CharField(max_length=255)
    also_known_as = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=500, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.CharField(max_length=300, blank=True)
    service_types = models.JSONField(default=list, blank=True)
    specialisms = models.JSONField(default=list, blank=True)
    # From the "care directory with filters" workbook: its service user band columns, beds.
    service_user_bands = models.JSONField(default=list, blank=True)
    care_home_beds = models.PositiveIntegerField(null=True, blank=True)
    provider_name = models.CharField(max_length=255, blank=True)
    local_authority = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    location_url = models.CharField(max_length=300, blank=True)
    last_checked = models.DateField(null=True, blank=True)
    # False when the location has left the directory (deregistered or archived), from the date
    # of the complete file that no longer listed it.
    registered = models.BooleanField(default=True)
    deregistered_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.location_id})"


class CqcRating(models.Model):
    """The latest published rating of one key question at one location."""

    location_id = models.CharField(max_length=20, db_index=True)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    rating = models.CharField(max_length=30, choices=Rating.choices)
    published_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location_id", "domain"], name="cqc_rating_one_per_domain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location_id} {self.domain}: {self.rating}"


class CqcImport(models.Model):
    """One run of a CQC import: what it took the file to be, its counts, every skipped row."""

    class Kind(models.TextChoices):
        DIRECTORY = "directory", "Care directory"
        FILTERS = "filters", "Care directory with filters"
        RATINGS = "ratings", "Latest ratings"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    imported_at = models.DateTimeField()
    # The date the file gives for its data ("as at"), else its name's, else the import's.
    file_date = models.DateField(null=True, blank=True)
    # A complete (national) directory deregisters what it no longer lists; a partial one never.
    complete = models.BooleanField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deregistered = models.PositiveIntegerField(default=0)
    # Ratings files: rows for locations the directory does not hold, and service or
    # population-group rows (detail that never overrides the location's own rating).
    unknown_locations = models.PositiveIntegerField(default=0)
    group_rows_ignored = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True)
    # What the run decided and what the care homes and framework made of it, as sentences.
    notes = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"CQC {self.kind} import {self.filename}"
