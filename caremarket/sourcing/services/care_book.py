"""The council's current book of care, loaded from its case system's export (decision 0041).

The whole file is checked before anything is stored: every problem is named by row and
column, and one bad row stores nothing. Each row becomes a placed package (the person's
reference stays with the council, as for any package) and, for framework care, a purchase
order carried over at the price the council pays today (seed 002, question 3). Spot care gets
an order marked spot at its agreed rate, as a spot placement does (decision 0074).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from caremarket.accounts.models import Organisation, OrganisationKind, User
from caremarket.audit.services import audit_record
from caremarket.common.errors import DomainError, NotPermitted, ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.tabular import Limits, TableError, parse_date, table_read
from caremarket.framework.models import Cohort, Lot, Provider, RateUnit, ServiceType
from caremarket.framework.services.purchase_orders import purchase_order_carry_over
from caremarket.geography.models import District
from caremarket.geography.selectors import postcode_locate
from caremarket.sourcing.engine.model import Route, Stage
from caremarket.sourcing.models import CareBookImport, Package
from caremarket.sourcing.selectors.care_book import COLUMNS, OPTIONAL
from caremarket.sourcing.services.packages import package_reference_assign, provisional_reference

NOT_PERMITTED = "Only the Live at Home team can load the council's book of care."
LIMITS = Limits(what="a book of care", max_bytes=50 * 1024 * 1024, max_rows=100_000, max_columns=60)
MAX_PROBLEMS = 1000
_UNITS = {
    "hour": RateUnit.HOUR,
    "hourly": RateUnit.HOUR,
    "night": RateUnit.NIGHT,
    "week": RateUnit.WEEK,
    "weekly": RateUnit.WEEK,
}


def _choices(choices: Any) -> dict[str, str]:
    keys: dict[str, str] = {}
    for value, label in choices:
        for text in (value, label):
            keys["".join(c for c in text.lower() if c.isalnum())] = value
    return keys


_SERVICES = _choices(ServiceType.choices)
_SERVICES.update({"livein": ServiceType.LIVE_IN, "24hour": ServiceType.LIVE_IN})
_COHORTS = _choices(Cohort.choices)
_COHORTS.update(
    {
        "olderpeople": Cohort.OLDER_PEOPLE,
        "ld": Cohort.LD_AUTISM,
        "learningdisability": Cohort.LD_AUTISM,
        "ldautism": Cohort.LD_AUTISM,
    }
)


class CareBookInvalid(ValidationFailed):
    """The file has problems; `problems` names each by row, column and rule."""

    def __init__(self, filename: str, problems: list[dict[str, Any]], total: int):
        self.problems, self.total, self.filename = problems, total, filename
        super().__init__(
            {
                "file": [
                    f"{filename}: {total} problem{'s' if total != 1 else ''} found; nothing"
                    " was stored. Correct every row listed and load the whole file again."
                ]
            }
        )


@dataclass
class _Row:
    number: int
    person: str
    organisation: Organisation
    provider: Provider | None  # framework care only
    postcode: str
    outward: str
    lot: Lot
    hours: Decimal
    rate: Decimal
    unit: str
    starts_on: dt.date
    order_number: str


def _key(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace("£", "").replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number") from None
    if not value.is_finite():
        raise ValueError(f"“{text}” is not a number")
    return value


class _Checker:
    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[dict[str, Any]] = []
        self.total = 0
        self.orgs = {
            org.reference.strip(): org
            for org in Organisation.objects.filter(kind=OrganisationKind.HOME_CARE_PROVIDER)
            if org.reference.strip()
        }
        self.orgs_by_name = {
            org.name.strip().casefold(): org
            for org in Organisation.objects.filter(kind=OrganisationKind.HOME_CARE_PROVIDER)
        }
        self.providers = {p.organisation_id: p for p in Provider.objects.all()}
        for provider in self.providers.values():
            self.orgs.setdefault(provider.cqc_provider_id, provider.organisation)
        self.lots = {
            (lot.district_id, lot.service_type, lot.cohort): lot for lot in Lot.objects.all()
        }
        self.orders: set[str] = set()

    def problem(self, row: int, column: str, value: str, rule: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"row": row, "column": column, "value": value, "rule": rule})

    def row(self, number: int, cells: dict[str, str]) -> _Row | None:
        before = self.total
        person = self._person(number, cells)
        organisation, provider, route = self._provider(number, cells)
        postcode, outward, district = self._place(number, cells)
        lot = self._lot(number, cells, district)
        hours = self._number(number, cells, "Hours a week", high=Decimal(168))
        rate, unit = self._price(number, cells, hours)
        starts_on = self._starts_on(number, cells)
        order_number = self._order_number(number, cells)
        if self.total > before:
            return None
        assert organisation and lot and hours and rate and unit and starts_on
        return _Row(
            number,
            person,
            organisation,
            provider if route == "framework" else None,
            postcode,
            outward,
            lot,
            hours,
            rate,
            unit,
            starts_on,
            order_number,
        )

    def _person(self, number: int, cells: dict[str, str]) -> str:
        person = cells.get("Person reference", "")
        if not person:
            self.problem(
                number, "Person reference", "", "Give the council's reference for the person."
            )
        elif len(person) > 40:
            self.problem(number, "Person reference", person, "At most 40 characters.")
        return person

    def _provider(
        self, number: int, cells: dict[str, str]
    ) -> tuple[Organisation | None, Provider | None, str]:
        provider_text = cells.get("Provider", "")
        organisation = self.orgs.get(
            cells.get("CQC provider ID", "").strip()
        ) or self.orgs_by_name.get(provider_text.casefold())
        if organisation is None:
            self.problem(
                number,
                "Provider",
                provider_text,
                "No home care provider with this name or CQC provider ID: add the"
                " provider (Framework, or Organisations for spot agencies) first.",
            )
        route = _key(cells.get("Framework or spot", ""))
        if route not in ("framework", "spot"):
            self.problem(
                number,
                "Framework or spot",
                cells.get("Framework or spot", ""),
                "Write Framework or Spot.",
            )
        provider = self.providers.get(organisation.pk) if organisation else None
        if route == "framework" and organisation is not None and provider is None:
            self.problem(
                number,
                "Framework or spot",
                "Framework",
                f"{organisation.name} is not on the Live at Home framework.",
            )
        return organisation, provider, route

    def _place(self, number: int, cells: dict[str, str]) -> tuple[str, str, District | None]:
        postcode, outward, district = cells.get("Postcode", ""), "", None
        try:
            where = postcode_locate(postcode=postcode)
            district, postcode, outward = (
                where.district,
                where.postcode or postcode,
                where.outward_code,
            )
        except DomainError:
            self.problem(number, "Postcode", postcode, "Not a postcode the service can place.")
        if district is not None and not district.in_council_area:
            self.problem(number, "Postcode", postcode, "Not in the council's area.")
            district = None
        return postcode, outward, district

    def _lot(self, number: int, cells: dict[str, str], district: District | None) -> Lot | None:
        service = _SERVICES.get(_key(cells.get("Service type", "")))
        if service is None:
            self.problem(
                number,
                "Service type",
                cells.get("Service type", ""),
                "Use one of: " + ", ".join(ServiceType.labels) + ".",
            )
        cohort = _COHORTS.get(_key(cells.get("Cohort", "")))
        if cohort is None:
            self.problem(
                number,
                "Cohort",
                cells.get("Cohort", ""),
                "Use one of: " + ", ".join(Cohort.labels) + ".",
            )
        lot = (
            self.lots.get((district.pk, service, cohort))
            if district and service and cohort
            else None
        )
        if district and service and cohort and lot is None:
            self.problem(
                number,
                "Service type",
                cells.get("Service type", ""),
                f"There is no framework lot for this service and cohort in {district}.",
            )
        return lot

    def _starts_on(self, number: int, cells: dict[str, str]) -> dt.date | None:
        try:
            starts_on = parse_date(cells.get("Start date", ""))
        except ValueError as exc:
            self.problem(number, "Start date", cells.get("Start date", ""), str(exc))
            return None
        if starts_on is None:
            self.problem(number, "Start date", "", "Give the date the care started.")
        return starts_on

    def _order_number(self, number: int, cells: dict[str, str]) -> str:
        order_number = cells.get("Purchase order number", "").strip()
        if order_number and (len(order_number) > 20 or order_number in self.orders):
            self.problem(
                number,
                "Purchase order number",
                order_number,
                "At most 20 characters, and each order number once.",
            )
        self.orders.add(order_number)
        return order_number

    def _number(
        self, number: int, cells: dict[str, str], column: str, *, high: Decimal | None = None
    ) -> Decimal | None:
        text = cells.get(column, "")
        if not text:
            self.problem(number, column, "", "Give a number.")
            return None
        try:
            value = _decimal(text)
        except ValueError as exc:
            self.problem(number, column, text, str(exc))
            return None
        if value <= 0 or (high is not None and value > high):
            self.problem(
                number,
                column,
                text,
                f"Must be more than 0{f' and at most {high}' if high else ''}.",
            )
            return None
        return value

    def _price(
        self, number: int, cells: dict[str, str], hours: Decimal | None
    ) -> tuple[Decimal | None, str | None]:
        if cells.get("Weekly cost", "") and not cells.get("Rate", ""):
            weekly = self._number(number, cells, "Weekly cost")
            return weekly, RateUnit.WEEK if weekly else None
        rate = self._number(number, cells, "Rate")
        unit = _UNITS.get(_key(cells.get("Rate unit", "") or "hour"))
        if unit is None:
            self.problem(
                number, "Rate unit", cells.get("Rate unit", ""), "Write hour, night or week."
            )
        return rate, unit


def _lines(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    try:
        table = table_read(
            data=data, filename=filename, required=COLUMNS, optional=OPTIONAL, limits=LIMITS
        )
    except TableError as exc:
        raise CareBookInvalid(
            filename, [{"row": "", "column": "", "value": "", "rule": exc.message}], 1
        ) from exc
    return table.rows


@transaction.atomic
def care_book_import(
    *, actor: User, data: bytes, filename: str, now: dt.datetime
) -> CareBookImport:
    """Load the book whole, or nothing: CareBookInvalid names every problem."""
    require(actor, "sourcing.import_care_book", None, NOT_PERMITTED)
    if not actor.has_perm("framework.issue_purchase_orders"):
        raise NotPermitted(NOT_PERMITTED)
    checker = _Checker(filename)
    rows = [r for number, cells in _lines(data, filename) if (r := checker.row(number, cells))]
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.person, row.lot.service_type)
        if key in seen:
            checker.problem(
                row.number,
                "Person reference",
                row.person,
                f"The same person and service as row {seen[key]}.",
            )
        seen.setdefault(key, row.number)
    existing = set(
        Package.objects.filter(
            person_reference__in={r.person for r in rows},
            stage=Stage.PLACED.value,
        ).values_list("person_reference", "lot__service_type")
    )
    for row in rows:
        if (row.person, row.lot.service_type) in existing:
            checker.problem(
                row.number,
                "Person reference",
                row.person,
                "This person's care of this service is already in the book.",
            )
    if not rows and not checker.total:
        checker.problem(0, "", "", "The file has no rows of care.")
    if checker.total:
        raise CareBookInvalid(filename, checker.problems, checker.total)
    run = CareBookImport.objects.create(
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        imported_by=actor,
        imported_at=now,
    )
    for row in rows:
        _store(row, actor=actor, now=now, run=run)
    run.save()
    audit_record(
        actor=actor,
        action="care_book.imported",
        obj=run,
        at=now,
        data={
            "packages": run.packages,
            "purchase_orders": run.purchase_orders,
            "spot": run.spot_packages,
            "filename": run.filename,
        },
    )
    return run


def _store(row: _Row, *, actor: User | None, now: dt.datetime, run: CareBookImport) -> None:
    # Care that began before the platform: it was sourced and placed on the day it started.
    began = timezone.make_aware(dt.datetime.combine(row.starts_on, dt.time(9)))
    package = Package.objects.create(
        reference=provisional_reference(),
        person_reference=row.person,
        postcode=row.postcode,
        outward_code=row.outward,
        district=row.lot.district,
        lot=row.lot,
        hours_per_week=row.hours,
        visit_pattern="Carried over from the council's book of care",
        start_date=row.starts_on,
        stage=Stage.PLACED.value,
        placed_with=row.organisation,
        placed_at=began,
        route=Route.SPOT.value if row.provider is None else "",
        agreed_rate=None if row.provider else _hourly(row),
        created_by=actor,
        created_at=began,
    )
    package_reference_assign(package)
    run.packages += 1
    audit_record(
        actor=actor,
        action="package.carried_over",
        obj=package,
        at=now,
        data={"book": run.pk, "row": row.number, "provider": row.organisation},
    )
    if row.provider is None:
        run.spot_packages += 1
    else:
        run.purchase_orders += 1
    # Spot care has its order too, marked spot, so its hours can change like any package's.
    purchase_order_carry_over(
        package_reference=package.reference,
        provider=row.provider,
        organisation=row.organisation,
        lot=row.lot,
        hours_per_week=row.hours,
        rate=row.rate,
        unit=row.unit,
        starts_on=row.starts_on,
        reference=row.order_number,
        actor=actor,
        now=now,
    )


def _hourly(row: _Row) -> Decimal:
    """Spot rates are kept hourly on the package, as the placement forms ask for them."""
    if row.unit == RateUnit.HOUR:
        return row.rate
    weekly = row.rate if row.unit == RateUnit.WEEK else row.rate * min(Decimal(7), row.hours / 8)
    return (weekly / row.hours).quantize(Decimal("0.01"))
