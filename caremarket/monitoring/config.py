"""Monitoring settings with their defaults (DESIGN section 5); entry points read these."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Thresholds:
    # How KPIs are counted (fixed into each submission's results when it is processed).
    punctuality_window_minutes: int = 30
    time_critical_window_minutes: int = 30
    missed_cutoff_hour: int = 23
    short_visit_ratio: float = 0.75
    short_visit_floor_minutes: int = 30
    # When a provider's figures raise a risk flag for contract managers.
    missed_rate_max: float = 0.01
    lateness_rate_max: float = 0.10
    short_visit_rate_max: float = 0.10
    logged_at_home_min: float = 0.85
    delivered_hours_min: float = 0.90
    trend_periods: int = 3
    trend_min_drop: float = 0.02

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def thresholds() -> Thresholds:
    overrides = getattr(settings, "EHM_KPI_THRESHOLDS", {}) or {}
    known = {f.name for f in dataclasses.fields(Thresholds)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"EHM_KPI_THRESHOLDS has unknown keys: {', '.join(sorted(unknown))}")
    return Thresholds(**overrides)


def store_dir() -> Path:
    return Path(settings.EHM_STORE_DIR)


def shared_store() -> Storage | None:
    """The object storage holding the visit store (EHM_S3_BUCKET), or None: the folder is it."""
    return storages["ehm"] if "ehm" in settings.STORAGES else None


def period_anchor() -> dt.date:
    return dt.date.fromisoformat(str(settings.EHM_PERIOD_ANCHOR))


def grace_days() -> int:
    return int(settings.EHM_SUBMISSION_GRACE_DAYS)


def max_upload_bytes() -> int:
    return int(settings.EHM_MAX_UPLOAD_BYTES)


def service_user_check() -> Callable[..., set[str]] | None:
    path = getattr(settings, "EHM_SERVICE_USER_CHECK", None)
    return import_string(path) if path else None


def duckdb_config() -> dict[str, Any]:
    return {
        "threads": int(settings.EHM_DUCKDB_THREADS),
        "memory_limit": str(settings.EHM_DUCKDB_MEMORY_LIMIT),
    }


SUBMITTER_KINDS = ("tier1", "tier2", "other")


def submissions_from() -> dict[str, dt.date | None]:
    """From when each kind of provider must send files: the first period due on or after the
    date counts (decision 35). None: not required yet (the council has not set a date)."""
    configured = getattr(settings, "EHM_SUBMISSIONS_FROM", {}) or {}
    unknown = set(configured) - set(SUBMITTER_KINDS)
    if unknown:
        raise ValueError(f"EHM_SUBMISSIONS_FROM has unknown keys: {', '.join(sorted(unknown))}")
    return {
        kind: dt.date.fromisoformat(str(configured[kind])) if configured.get(kind) else None
        for kind in SUBMITTER_KINDS
    }
