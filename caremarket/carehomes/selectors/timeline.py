"""A room's occupancy timeline: every booking, request and suspension, who did what and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from caremarket.carehomes.models import Booking, BookingStatus, Room, Suspension


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    what: str
    who: str  # "Name (Organisation)", or "system"


@dataclass
class TimelineEntry:
    kind: str  # "booking" or "suspension"
    id: int
    status: str  # a BookingStatus, or "suspended"
    label: str
    starts_on: dt.date
    ends_on: dt.date | None
    holds_room: bool
    detail: str
    events: list[TimelineEvent] = field(default_factory=list)


def _who(user: Any) -> str:
    if user is None:
        return "system"
    return f"{user.full_name} ({user.organisation.name})"


def _booking_entry(b: Booking) -> TimelineEntry:
    events = [TimelineEvent(b.requested_at, "Requested", _who(b.requested_by))]
    if b.decided_at:
        what = "Accepted" if b.status != BookingStatus.REJECTED else "Rejected"
        if b.status == BookingStatus.REJECTED:
            what += f": {b.get_rejection_reason_display()} ({b.get_rejection_stage_display()})"
        events.append(TimelineEvent(b.decided_at, what, _who(b.decided_by)))
    if b.cancelled_at:
        events.append(TimelineEvent(b.cancelled_at, "Cancelled", _who(b.cancelled_by)))
    if b.ended_at:
        events.append(
            TimelineEvent(b.ended_at, f"Ended on {b.ends_on:%-d %b %Y}", _who(b.ended_by))
        )
    return TimelineEntry(
        kind="booking",
        id=b.pk,
        status=b.status,
        label=b.get_status_display(),
        starts_on=b.starts_on,
        ends_on=b.ends_on,
        holds_room=b.status
        in (BookingStatus.REQUESTED, BookingStatus.ACCEPTED, BookingStatus.ENDED),
        detail=(
            f"{b.person_reference}, {b.get_funding_display()}, for {b.requester_organisation.name}"
        ),
        events=events,
    )


def _suspension_entry(s: Suspension) -> TimelineEntry:
    events = [TimelineEvent(s.created_at, "Suspended", _who(s.created_by))]
    if s.lifted_at:
        events.append(TimelineEvent(s.lifted_at, "Suspension lifted", _who(s.lifted_by)))
    reason = s.get_reason_display() + (f": {s.note}" if s.note else "")
    if s.home_suspension_id:
        reason += " (whole home)"
    return TimelineEntry(
        kind="suspension",
        id=s.pk,
        status="suspended",
        label="Suspended",
        starts_on=s.starts_on,
        ends_on=s.ends_on,
        holds_room=s.ends_on is None or s.ends_on > s.starts_on,
        detail=reason,
        events=events,
    )


def room_timeline(*, room: Room) -> list[TimelineEntry]:
    """Newest first."""
    people = ("requested_by__organisation", "decided_by__organisation")
    bookings = Booking.objects.filter(room=room).select_related(
        *people, "cancelled_by__organisation", "ended_by__organisation", "requester_organisation"
    )
    suspensions = Suspension.objects.filter(room=room).select_related(
        "created_by__organisation", "lifted_by__organisation"
    )
    entries = [_booking_entry(b) for b in bookings] + [_suspension_entry(s) for s in suspensions]
    return sorted(entries, key=lambda e: (e.starts_on, e.events[0].at), reverse=True)


@dataclass(frozen=True)
class ChartBar:
    entry: TimelineEntry
    x: float
    y: int
    width: float
    css: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[ChartBar]
    rows: list[tuple[int, str]]  # y, label
    months: list[tuple[float, str]]  # x, label
    today_x: float
    axis_y: int


CHART_LEFT = 100  # room for the row labels
CHART_WIDTH = 620
ROW_HEIGHT = 24
ROWS = ("Bookings", "Requests", "Suspensions")


def timeline_chart(*, entries: list[TimelineEntry], today: dt.date, months: int = 12) -> Chart:
    """Bars for the holds within about `months` around today, for a server-drawn SVG."""
    start = (today - dt.timedelta(days=months * 31 // 2)).replace(day=1)
    end = start + dt.timedelta(days=months * 31)
    span = (end - start).days

    def x(day: dt.date) -> float:
        clamped = min(max(day, start), end)
        return round(CHART_LEFT + (clamped - start).days / span * CHART_WIDTH, 1)

    bars = []
    for entry in entries:
        last = entry.ends_on or end
        if not entry.holds_room or last <= start or entry.starts_on >= end:
            continue
        if entry.kind == "suspension":
            row, css = 2, "cm-bar--suspended"
        elif entry.status == BookingStatus.REQUESTED:
            row, css = 1, "cm-bar--requested"
        else:
            row, css = 0, "cm-bar--booked"
        left = x(entry.starts_on)
        bars.append(
            ChartBar(
                entry=entry,
                x=left,
                y=row * ROW_HEIGHT + 4,
                width=max(2.0, x(last) - left),
                css=css,
            )
        )
    ticks = []
    month = start
    while month < end:
        ticks.append((x(month), month.strftime("%b %y")))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    axis_y = len(ROWS) * ROW_HEIGHT + 4
    return Chart(
        width=CHART_LEFT + CHART_WIDTH + 10,
        height=axis_y + 24,
        bars=bars,
        rows=[(i * ROW_HEIGHT + 18, label) for i, label in enumerate(ROWS)],
        months=ticks,
        today_x=x(today),
        axis_y=axis_y,
    )
