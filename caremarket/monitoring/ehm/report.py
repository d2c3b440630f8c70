"""The downloadable error report and template, as CSV text with formula cells neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from caremarket.common.spreadsheets import safe_row
from caremarket.monitoring.ehm.spec import template_rows

REPORT_HEADER = ["row", "column", "value", "rule"]


def error_report_csv(
    *, errors: Iterable[Mapping[str, Any]], total: int, filename: str, kind: str = "errors"
) -> str:
    """The listed errors (or warnings) of a file, one a line, and a note of any not listed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REPORT_HEADER)
    listed = 0
    for e in errors:
        listed += 1
        writer.writerow(
            safe_row(["" if e.get("row") is None else e["row"], e["column"], e["value"], e["rule"]])
        )
    if total > listed:
        writer.writerow(
            safe_row(
                ["", "", "", f"{total - listed:,} further {kind} in {filename} are not listed."]
            )
        )
    return out.getvalue()


def template_csv() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(safe_row(list(r)) for r in template_rows())
    return out.getvalue()
