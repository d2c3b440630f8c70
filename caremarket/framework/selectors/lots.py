from __future__ import annotations

from django.db.models import QuerySet

from caremarket.framework.models import Cohort, Lot, ServiceType

SERVICE_TYPE_BY_LABEL = {label.lower(): value for value, label in ServiceType.choices} | {
    value: value for value in ServiceType.values
}
COHORT_BY_LABEL = {label.lower(): value for value, label in Cohort.choices} | {
    value: value for value in Cohort.values
}


def lot_list(
    *, district_code: str | None = None, service_type: str | None = None, cohort: str | None = None
) -> QuerySet[Lot]:
    qs = Lot.objects.select_related("district").order_by("district__name", "service_type", "cohort")
    if district_code:
        qs = qs.filter(district__code=district_code)
    if service_type:
        qs = qs.filter(service_type=service_type)
    if cohort:
        qs = qs.filter(cohort=cohort)
    return qs


def lot_index() -> dict[tuple[str, str, str], Lot]:
    """Every lot by (district name in lower case, service type, cohort), for reading workbooks."""
    return {(lot.district.name.lower(), lot.service_type, lot.cohort): lot for lot in lot_list()}


def service_type_parse(text: str) -> str | None:
    return SERVICE_TYPE_BY_LABEL.get(text.strip().lower())


def cohort_parse(text: str) -> str | None:
    return COHORT_BY_LABEL.get(text.strip().lower())
