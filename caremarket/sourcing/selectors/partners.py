"""Strategic partnerships: the list, and the partner for a package's area on a day."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from caremarket.sourcing.models import Package, StrategicPartnerArea, StrategicPartnership


def partnership_list() -> QuerySet[StrategicPartnership]:
    return StrategicPartnership.objects.select_related("provider__organisation").prefetch_related(
        "areas"
    )


def partnership_get(*, pk: int) -> StrategicPartnership | None:
    return partnership_list().filter(pk=pk).first()


def partnerships_overlapping(
    *, service_type: str, outward_codes: list[str], starts_on: dt.date, ends_on: dt.date
) -> list[StrategicPartnerArea]:
    """Areas of partnerships still in force that share a code, the service and a day."""
    return list(
        StrategicPartnerArea.objects.filter(
            outward_code__in=outward_codes,
            partnership__service_type=service_type,
            partnership__ended_at__isnull=True,
            partnership__starts_on__lte=ends_on,
            partnership__ends_on__gte=starts_on,
        )
        .select_related("partnership__provider__organisation")
        .order_by("outward_code")
    )


def partnership_for(*, package: Package, on: dt.date) -> StrategicPartnership | None:
    """The partnership in force on `on` for the package's outward code and service type."""
    area = (
        StrategicPartnerArea.objects.filter(
            outward_code=package.outward_code,
            partnership__service_type=package.lot.service_type,
            partnership__ended_at__isnull=True,
            partnership__starts_on__lte=on,
            partnership__ends_on__gte=on,
        )
        .select_related("partnership__provider")
        .first()
    )
    return area.partnership if area else None
