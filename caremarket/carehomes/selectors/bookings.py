"""Reads about booking requests and bookings, as each viewer may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caremarket.carehomes.models import Booking, CareHome

_RELATED = (
    "room__home__provider",
    "room__block_owner",
    "requester_organisation",
    "requested_by",
    "decided_by",
    "cancelled_by",
    "ended_by",
)


def booking_get(*, pk: int) -> Booking | None:
    return Booking.objects.select_related(*_RELATED).filter(pk=pk).first()


def booking_list_for_viewer(*, viewer: Any, status: str = "") -> QuerySet[Booking]:
    """Providers see the requests for their homes; others see their organisation's requests."""
    qs = Booking.objects.select_related(*_RELATED)
    if viewer.has_perm("carehomes.view_own_homes") and viewer.is_provider:
        qs = qs.filter(room__home__provider_id=viewer.organisation_id)
    else:
        qs = qs.filter(requester_organisation_id=viewer.organisation_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-id")


def booking_list_for_home(*, home: CareHome, status: str = "") -> QuerySet[Booking]:
    qs = Booking.objects.select_related(*_RELATED).filter(room__home=home)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-id")
