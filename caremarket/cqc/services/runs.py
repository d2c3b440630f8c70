"""What every CQC import shares: the run record, the file's date, hooks, the audit entry."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from caremarket.audit.services import audit_record
from caremarket.common.actors import Actor
from caremarket.common.tabular import Limits
from caremarket.cqc.models import CqcImport

# The national files: about 50,000 locations, and several rating rows for each.
LIMITS = Limits(what="a CQC file", max_bytes=300 * 1024 * 1024, max_rows=2_000_000, max_columns=400)
# The hooks query by location ID; chunks keep each query within every database's bind limits.
HOOK_CHUNK = 2000

_MONTHS = "january february march april may june july august september october november december"
_MONTH_NUMBER = {name: i for i, name in enumerate(_MONTHS.split(), start=1)}
_TEXT_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ _-]+([a-z]+)[ _-]+(\d{4})", re.IGNORECASE)
_UK_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def date_in(text: str) -> dt.date | None:
    """The first date written as CQC writes them ("01 October 2026", "01_October_2026",
    "01/10/2026") in a preamble line, a README sheet or a file name."""
    for match in _TEXT_DATE.finditer(text):
        month = _MONTH_NUMBER.get(match.group(2).lower()) or next(
            (n for name, n in _MONTH_NUMBER.items() if name[:3] == match.group(2).lower()[:3]),
            None,
        )
        if month:
            try:
                return dt.date(int(match.group(3)), month, int(match.group(1)))
            except ValueError:
                continue
    for match in _UK_DATE.finditer(text):
        try:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            continue
    return None


def file_date_of(*, preamble: Iterable[str], filename: str, now: dt.datetime) -> dt.date:
    for line in preamble:
        if found := date_in(line):
            return found
    return date_in(filename) or timezone.localdate(now)


def skip(run: CqcImport, row: int, reason: str, column: str = "") -> None:
    run.skipped.append({"row": row, "column": column, "reason": reason})


def run_finish(
    *, run: CqcImport, actor: Actor | None, action: str, location_ids: list[str], now: dt.datetime
) -> CqcImport:
    """Save the run, let care homes and the framework follow, audit what happened."""
    counts: Counter[str] = Counter()
    for path in getattr(settings, "CQC_IMPORT_HOOKS", []):
        hook = import_string(path)
        for start in range(0, len(location_ids), HOOK_CHUNK):
            result = hook(location_ids=location_ids[start : start + HOOK_CHUNK], now=now)
            if isinstance(result, dict):
                counts.update(result)
    run.notes.extend(f"{label}: {count:,}." for label, count in sorted(counts.items()) if count)
    run.save()
    audit_record(
        actor=actor,
        action=action,
        obj=run,
        at=now,
        data={
            "filename": run.filename,
            "kind": run.kind,
            "complete": run.complete,
            "rows": run.rows_read,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "deregistered": run.deregistered,
            "skipped": len(run.skipped),
        },
    )
    return run
