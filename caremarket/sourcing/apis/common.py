"""The routers the concept modules add their endpoints to (Sourcing, and Rounds for visit
patterns, round fit, handbacks, transfers and best placed), and what more than one module uses."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema

from caremarket.sourcing.models import Package

router = Router(tags=["Sourcing"])
rounds_router = Router(tags=["Rounds"])


class OfferOut(Schema):
    id: int
    package_reference: str = Field(alias="package.reference")
    provider: str = Field(alias="provider.organisation.name")
    stage: str
    offered_at: dt.datetime
    deadline: dt.datetime
    outcome: str
    answered_at: dt.datetime | None
    reason: str
    list_version_id: int | None
    tier: int | None = Field(description="The provider's tier in list_version when offered")
    position: int | None = Field(
        description="The provider's position in list_version when offered, as issued: a "
        "leaver above it does not renumber it"
    )
    passed_over: str = Field(
        description="Why the package moved on from this provider: left_framework, "
        "no_longer_eligible, declined or lapsed; empty while open or once accepted"
    )


def package_or_404(package_id: int) -> Package:
    package = Package.objects.filter(pk=package_id).first()
    if package is None:
        raise Http404
    return package
