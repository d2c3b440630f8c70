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


def partnership_counts(*, partnership: StrategicPartnership) -> tuple[int, int]:
    """Packages offered to the partner because of this partnership, and how many it took."""
    from caremarket.sourcing.models import Offer, OutcomeChoices, SourcingDecision

    package_ids = set(
        SourcingDecision.objects.filter(
            strategic_partner=True,
            provider_id=partnership.provider_id,
            package__outward_code__in=partnership.outward_codes,
            package__lot__service_type=partnership.service_type,
            at__date__gte=partnership.starts_on,
            at__date__lte=partnership.ends_on,
        ).values_list("package_id", flat=True)
    )
    placed = (
        Offer.objects.filter(
            package_id__in=package_ids,
            provider_id=partnership.provider_id,
            outcome=OutcomeChoices.ACCEPTED,
        )
        .values("package_id")
        .distinct()
        .count()
    )
    return len(package_ids), placed


def partnership_status(*, partnership: StrategicPartnership, today: dt.date) -> str:
    if partnership.ended_at is not None:
        return "Ended early"
    if today < partnership.starts_on:
        return "Not started"
    if today > partnership.ends_on:
        return "Finished"
    return "In force"
