"""Helpers shared by the sourcing pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from caremarket.sourcing.selectors import timetable as timetable_selectors


def timetable_context(request: HttpRequest, now: Any) -> dict[str, Any]:
    """The broker pages say when the timetable has stopped, and what it did lately."""
    if not request.user.has_perm("sourcing.view_packages"):
        return {}
    return {
        "timetable_late": timetable_selectors.timetable_late(now=now),
        "timetable_runs": timetable_selectors.timetable_runs_recent(),
        "can_issue_lists": request.user.has_perm("sourcing.issue_lists"),
    }
