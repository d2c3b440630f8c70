from __future__ import annotations

from django.db import models


class Locality(models.TextChoices):
    NORTH_EAST = "North East Essex"
    MID = "Mid Essex"
    WEST = "West Essex"
    SOUTH_WEST = "South West Essex"
    SOUTH_EAST = "South East Essex"


class District(models.Model):
    """A local authority district (ONS code). The council's own carry a locality."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    locality = models.CharField(max_length=40, choices=Locality.choices, blank=True)
    in_council_area = models.BooleanField(default=False)
    council_code = models.CharField(max_length=9, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OutwardCode(models.Model):
    """Approximate centre of an outward code, for when a full postcode is unknown."""

    code = models.CharField(max_length=4, unique=True)
    lat = models.FloatField()
    lng = models.FloatField()
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL)
    # Many outward codes (CM3, CO5, ...) cross district boundaries: the district is a guess.
    spans_districts = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.code


class Postcode(models.Model):
    """One live postcode from the ONS postcode directory."""

    postcode = models.CharField(max_length=8, unique=True)
    oslaua = models.CharField(max_length=9, db_index=True)
    lat = models.FloatField()
    lng = models.FloatField()

    def __str__(self) -> str:
        return self.postcode


class PostcodeImport(models.Model):
    """One run of the ONS postcode directory import, kept for the audit trail."""

    filename = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    keep_all = models.BooleanField(default=False)
    rows_read = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    skipped_terminated = models.PositiveIntegerField(default=0)
    skipped_outside_area = models.PositiveIntegerField(default=0)
    skipped_no_location = models.PositiveIntegerField(default=0)
    removed_terminated = models.PositiveIntegerField(default=0)
    skipped_bad_rows = models.PositiveIntegerField(default=0)
    # The first bad rows, each with its row, column and reason (the count has them all).
    skipped = models.JSONField(default=list, blank=True)
    # Which of the file's columns were read, e.g. {"postcode": "pcds", "district": "lad25cd"}.
    columns = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Postcode import {self.filename} ({self.started_at:%Y-%m-%d})"


class DistrictOutline(models.Model):
    """A district's shape for the maps, derived from its postcodes when they are imported."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="outline")
    # [[[lat, lng], ...], ...]: outer rings and holes, drawn with the even-odd rule.
    rings = models.JSONField()
    label_lat = models.FloatField()
    label_lng = models.FloatField()
    south = models.FloatField()
    west = models.FloatField()
    north = models.FloatField()
    east = models.FloatField()
    points = models.PositiveIntegerField()
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Outline of {self.district}"
