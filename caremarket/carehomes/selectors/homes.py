"""Reads about care homes: profiles, who manages them, who hears about their requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from caremarket.accounts.models import PROVIDER_ROLES, User
from caremarket.carehomes.models import CareHome, HomeSuspension
from caremarket.cqc.selectors import RatingSummary, cqc_rating_summary

# Vacancy data older than this is flagged to searchers as possibly out of date.
STALE_AFTER_DAYS = 7


@dataclass(frozen=True)
class Freshness:
    updated_at: dt.datetime
    days: int

    @property
    def stale(self) -> bool:
        return self.days > STALE_AFTER_DAYS

    @property
    def text(self) -> str:
        if self.days <= 0:
            return "Vacancies updated today"
        if self.days == 1:
            return "Vacancies updated yesterday"
        return f"Vacancies updated {self.days} days ago"


def vacancy_freshness(*, updated_at: dt.datetime, now: dt.datetime) -> Freshness:
    days = (timezone.localdate(now) - timezone.localdate(updated_at)).days
    return Freshness(updated_at=updated_at, days=days)


def care_home_freshness(*, home: CareHome, now: dt.datetime) -> Freshness:
    return vacancy_freshness(updated_at=home.vacancies_updated_at, now=now)


def care_home_get(*, pk: int) -> CareHome | None:
    return (
        CareHome.objects.select_related("provider", "district")
        .filter(pk=pk, is_active=True)
        .first()
    )


def care_home_get_for_admin(*, pk: int) -> CareHome | None:
    """Including inactive homes, for the people who manage them."""
    return CareHome.objects.select_related("provider", "district").filter(pk=pk).first()


def care_home_list_manageable(*, viewer: Any, search: str = "") -> QuerySet[CareHome]:
    """The homes a council administrator or a provider's staff look after."""
    qs = CareHome.objects.select_related("provider", "district").annotate(
        room_count=Count("rooms", distinct=True)
    )
    if not viewer.has_perm("carehomes.administer_homes"):
        qs = qs.filter(provider_id=viewer.organisation_id)
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(postcode__icontains=search)
            | Q(cqc_location_id__iexact=search)
        )
    return qs.order_by("name")


def care_home_staff(*, home: CareHome) -> list[User]:
    """Who hears about a home's booking requests: its provider's active staff."""
    return list(
        User.objects.filter(
            organisation_id=home.provider_id, is_active=True, role__in=PROVIDER_ROLES
        ).order_by("pk")
    )


def care_home_ratings(*, home: CareHome) -> RatingSummary:
    return cqc_rating_summary(location_id=home.cqc_location_id)


def home_suspension_current(*, home: CareHome, day: dt.date) -> HomeSuspension | None:
    return (
        HomeSuspension.objects.filter(home=home, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        .order_by("-starts_on")
        .first()
    )
