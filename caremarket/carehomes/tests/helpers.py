"""Shortcuts the care home tests share."""

from __future__ import annotations

from django.utils import timezone

from caremarket.carehomes import services
from caremarket.carehomes.models import Funding


def submit(
    actor,
    room,
    now,
    *,
    starts_on=None,
    ends_on=None,
    funding=Funding.LOCAL_AUTHORITY,
    reference="CASE-1001",
):
    return services.booking_request_submit(
        actor=actor,
        room=room,
        starts_on=starts_on or timezone.localdate(now),
        ends_on=ends_on,
        person_reference=reference,
        funding=funding,
        now=now,
    )
