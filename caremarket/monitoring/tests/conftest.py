"""Helpers for visit-file tests: a provider with two CQC branches and files built from rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from caremarket.cqc.models import CqcLocation
from caremarket.monitoring.ehm.spec import COLUMN_NAMES
from caremarket.monitoring.services.flags import risk_flags_check_missing

PROVIDER_REF = "1-000000009"
OTHER_REF = "1-000000010"
BRANCH_A = "1-200000001"  # Chelmsford (CM1)
BRANCH_B = "1-200000002"  # Colchester (CO1)
ANCHOR = dt.date(2025, 11, 10)  # period 1 starts
PERIOD_3 = dt.date(2026, 1, 5)  # 10 Nov 2025 + 56 days
NOW = timezone.make_aware(dt.datetime(2026, 2, 10, 12, 0))


def visit(**overrides: Any) -> dict[str, str]:
    """A delivered, on-time, full-length 60-minute visit in period 3 unless told otherwise."""
    row = {
        "provider_reference": PROVIDER_REF,
        "branch_reference": BRANCH_A,
        "period_start": PERIOD_3.isoformat(),
        "visit_reference": "",
        "service_user_reference": "P1",
        "carer_reference": "C1",
        "service_type": "PC",
        "time_critical": "N",
        "planned_start": "2026-01-06 08:00",
        "planned_end": "2026-01-06 09:00",
        "actual_check_in": "2026-01-06 08:00",
        "actual_check_out": "2026-01-06 09:00",
        "check_in_method": "APP",
        "carers": "1",
        "visit_status": "DELIVERED",
        "exception_code": "",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def csv_bytes(rows: list[dict[str, str]], *, columns: tuple[str, ...] = COLUMN_NAMES) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for n, row in enumerate(rows, start=1):
        row = dict(row)
        row["visit_reference"] = row.get("visit_reference") or f"V{n:05d}"
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode()


def missing_and_late(ehm: Ehm) -> None:
    """Meadow's period 3 file has 20% late visits; no file for periods 2 and 4 to 8."""
    late = visit(actual_check_in="2026-01-06 09:00", actual_check_out="2026-01-06 09:55")
    ehm.send(csv_bytes([visit()] * 8 + [late] * 2))
    later = timezone.make_aware(dt.datetime(2026, 7, 1, 12, 0))
    risk_flags_check_missing(now=later, anchor=ANCHOR, grace_days=7)


@dataclass
class Ehm:
    world: Any
    provider: Any
    store: Any

    def send(self, data: bytes, *, filename: str = "visits.csv", user: Any = None, now=NOW):
        from caremarket.monitoring.services.submissions import (
            submission_process,
            submission_receive,
        )

        submission = submission_receive(
            actor=user or self.world.home_care_user,
            organisation=self.provider,
            chunks=[data],
            filename=filename,
            size=len(data),
            now=now,
        )
        if submission.status == "received":
            submission = submission_process(submission_id=submission.pk, now=now)
        return submission

    def stored_files(self) -> list[str]:
        return sorted(str(p.relative_to(self.store)) for p in self.store.rglob("*") if p.is_file())


def make_branch(location_id: str, provider_id: str, postcode: str, name: str) -> CqcLocation:
    return CqcLocation.objects.create(
        location_id=location_id,
        provider_id=provider_id,
        name=name,
        postcode=postcode,
        registered=True,
        updated_at=NOW,
    )


@pytest.fixture
def ehm(world, settings, tmp_path) -> Ehm:
    settings.EHM_STORE_DIR = str(tmp_path / "ehm")
    settings.EHM_SERVICE_USER_CHECK = None
    settings.EHM_KPI_THRESHOLDS = {}
    # This provider is not on the framework: these tests have the council require files of
    # every provider from the first period (the framework's own rule has tests of its own).
    settings.EHM_SUBMISSIONS_FROM = {"tier1": "2026-01-01", "tier2": None, "other": "2025-11-10"}
    provider = world.home_care_provider
    provider.reference = PROVIDER_REF
    provider.save()
    make_branch(BRANCH_A, PROVIDER_REF, "CM1 1AA", "Meadow Chelmsford")
    make_branch(BRANCH_B, PROVIDER_REF, "CO1 1AA", "Meadow Colchester")
    return Ehm(world=world, provider=provider, store=tmp_path / "ehm")
