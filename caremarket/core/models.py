from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """When a background process last showed it was alive (the task worker, every minute)."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
