from __future__ import annotations

from django.conf import settings
from django.db import models


class Heartbeat(models.Model):
    """When a background process last showed it was alive (the task worker, every minute)."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class DataImport(models.Model):
    """One reference-data file given to the platform (uploaded, sent to the API or dropped in
    the folder), kept on disk for the worker, and what became of it (decision 0019)."""

    class Kind(models.TextChoices):
        CQC = "cqc", "CQC file"
        POSTCODES = "postcodes", "ONS postcode directory"

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded"
        API = "api", "Sent to the API"
        FOLDER = "folder", "Picked up from the folder"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    stored_as = models.CharField(max_length=300)  # relative to DATA_IMPORT_DIR
    size_bytes = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    # CQC directory files only: take the file as a partial extract (deregister nothing).
    partial = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)  # why a file was refused
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cqc_import = models.ForeignKey(
        "cqc.CqcImport", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    postcode_import = models.ForeignKey(
        "geography.PostcodeImport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"
