"""The framework API: ranked lists, positions, price matrix, rate selections, purchase orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from caremarket.common.errors import NotFound, NotPermitted
from caremarket.common.pagination import Pagination
from caremarket.cqc.selectors import cqc_provider_locations
from caremarket.framework.models import (
    BranchChangeRequest,
    Lot,
    PriceYear,
    Provider,
    PurchaseOrder,
    RateSelection,
)
from caremarket.framework.selectors.lots import lot_list
from caremarket.framework.selectors.prices import (
    matrix_rate_list,
    price_year_list,
    price_year_on,
    rate_selection_list,
)
from caremarket.framework.selectors.providers import (
    branch_change_request_list,
    branch_location_ids_on_framework,
    provider_for_user,
)
from caremarket.framework.selectors.purchase_orders import (
    purchase_order_history,
    purchase_order_list_visible_to,
)
from caremarket.framework.selectors.ranked_lists import (
    provider_positions,
    ranked_list_version_in_force,
    ranked_lists_of_version,
)
from caremarket.framework.services.prices import rate_select
from caremarket.framework.services.providers import (
    provider_add_from_cqc,
    provider_agreement_end,
)
from caremarket.framework.services.purchase_orders import (
    purchase_order_change_hours,
    purchase_order_issue,
)

router = Router(tags=["Live at Home framework"])


class LotOut(Schema):
    id: int
    district_code: str
    district: str
    service_type: str
    cohort: str


class EntryOut(Schema):
    tier: int
    position: int
    provider_id: int
    provider_name: str
    cqc_provider_id: str


class RankedListOut(Schema):
    lot: LotOut
    entries: list[EntryOut]


class RankedListsOut(Schema):
    version_id: int | None
    version_number: int | None
    effective_from: dt.date | None
    lists: list[RankedListOut]


class PositionOut(Schema):
    lot: LotOut
    tier: int
    position: int
    of: int


class PositionsOut(Schema):
    provider_id: int
    version_id: int | None
    version_number: int | None
    positions: list[PositionOut]


class YearOut(Schema):
    id: int
    label: str
    starts_on: dt.date
    ends_on: dt.date


class RateOut(Schema):
    id: int
    service_type: str
    district_code: str | None
    band: str
    amount: Decimal
    unit: str


class MatrixOut(Schema):
    year: YearOut
    rates: list[RateOut]


class SelectionOut(Schema):
    id: int
    provider_id: int
    lot: LotOut
    year: str
    band: str
    amount: Decimal
    unit: str


class SelectionIn(Schema):
    provider_id: int
    lot_id: int
    year_id: int
    amount: Decimal


class OrderOut(Schema):
    id: int
    reference: str
    package_reference: str
    provider_id: int
    lot: LotOut
    hours_per_week: Decimal
    rate: Decimal
    unit: str
    reason: str
    starts_on: dt.date
    ends_on: dt.date | None
    supersedes_id: int | None


class OrderIn(Schema):
    package_reference: str
    provider_id: int
    lot_id: int
    hours_per_week: Decimal
    starts_on: dt.date


class ChangeHoursIn(Schema):
    hours_per_week: Decimal
    starts_on: dt.date


def _lot(lot: Lot) -> dict[str, object]:
    return {
        "id": lot.pk,
        "district_code": lot.district.code,
        "district": lot.district.name,
        "service_type": lot.service_type,
        "cohort": lot.cohort,
    }


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise NotPermitted("You cannot use this part of the framework.")


def _provider(request: HttpRequest, provider_id: int) -> Provider:
    provider = get_object_or_404(Provider.objects.select_related("organisation"), pk=provider_id)
    if not request.user.has_perm("framework.view_provider", provider):
        raise Http404
    return provider


def _order(o: PurchaseOrder) -> dict[str, object]:
    return {**{k: getattr(o, k) for k in OrderOut.model_fields if k != "lot"}, "lot": _lot(o.lot)}


@router.get("/ranked-lists", response=RankedListsOut, summary="The ranked lists in force on a date")
def ranked_lists(
    request: HttpRequest,
    district: str | None = None,
    service_type: str | None = None,
    cohort: str | None = None,
    tier: int | None = None,
    on: dt.date | None = None,
) -> dict[str, object]:
    _require(request, "framework.view_ranked_lists")
    version = ranked_list_version_in_force(on=on or timezone.localdate())
    lots = lot_list(district_code=district, service_type=service_type, cohort=cohort)
    lists = ranked_lists_of_version(version=version, lots=lots, tier=tier)
    return {
        "version_id": version.pk if version else None,
        "version_number": version.number if version else None,
        "effective_from": version.effective_from if version else None,
        "lists": [{"lot": _lot(r.lot), "entries": [e.__dict__ for e in r.entries]} for r in lists],
    }


@router.get(
    "/providers/{provider_id}/positions",
    response=PositionsOut,
    summary="A provider's positions across every list in force on a date",
)
def positions(
    request: HttpRequest, provider_id: int, on: dt.date | None = None
) -> dict[str, object]:
    _require(request, "framework.view_ranked_lists")
    provider = get_object_or_404(Provider, pk=provider_id)
    version = ranked_list_version_in_force(on=on or timezone.localdate())
    return {
        "provider_id": provider.pk,
        "version_id": version.pk if version else None,
        "version_number": version.number if version else None,
        "positions": [
            {"lot": _lot(p.lot), "tier": p.tier, "position": p.position, "of": p.of}
            for p in provider_positions(provider=provider, version=version)
        ],
    }


class AgreementEndIn(Schema):
    left_on: dt.date
    reason: str


class ProviderOut(Schema):
    id: int
    name: str
    cqc_provider_id: str
    joined_on: dt.date
    left_on: dt.date | None
    left_reason: str
    is_active: bool
    tier1_eligible: bool


class CqcLocationOut(Schema):
    location_id: str
    name: str
    address: str
    postcode: str
    service_types: list[str]
    provider_name: str
    on_framework: bool


class ProviderFromCqcIn(Schema):
    cqc_provider_id: str
    branch_location_ids: list[str]
    joined_on: dt.date


@router.get(
    "/cqc-providers/{cqc_provider_id}/locations",
    response=list[CqcLocationOut],
    summary="The registered locations the CQC register lists under a provider ID",
)
def cqc_provider_locations_list(
    request: HttpRequest, cqc_provider_id: str
) -> list[dict[str, object]]:
    _require(request, "framework.manage_framework")
    locations = cqc_provider_locations(provider_id=cqc_provider_id)
    taken = branch_location_ids_on_framework(location_ids=[loc.location_id for loc in locations])
    return [
        {
            "location_id": loc.location_id,
            "name": loc.name,
            "address": loc.address,
            "postcode": loc.postcode,
            "service_types": loc.service_types,
            "provider_name": loc.provider_name,
            "on_framework": loc.location_id in taken,
        }
        for loc in locations
    ]


@router.post(
    "/providers",
    response={201: ProviderOut},
    summary="Add a provider to the framework from the CQC register, with its branches",
)
def provider_create_from_cqc(request: HttpRequest, payload: ProviderFromCqcIn) -> Status:
    _require(request, "framework.manage_framework")
    provider = provider_add_from_cqc(actor=request.user, now=timezone.now(), **payload.dict())
    return Status(201, provider)


@router.post(
    "/providers/{provider_id}/end-agreement",
    response=ProviderOut,
    summary="Record that a provider's framework agreement has ended",
)
def provider_end_agreement(
    request: HttpRequest, provider_id: int, payload: AgreementEndIn
) -> Provider:
    provider = _provider(request, provider_id)
    _require(request, "framework.manage_framework")
    return provider_agreement_end(
        actor=request.user, provider=provider, now=timezone.now(), **payload.dict()
    )


@router.get("/price-years", response=list[YearOut], summary="Framework years of the price matrix")
def price_years(request: HttpRequest) -> list[PriceYear]:
    _require(request, "framework.view_price_matrix")
    return list(price_year_list())


@router.get("/price-matrix", response=MatrixOut, summary="The rates of one framework year")
def price_matrix(
    request: HttpRequest, year_id: int | None = None, on: dt.date | None = None
) -> dict[str, object]:
    _require(request, "framework.view_price_matrix")
    year = (
        get_object_or_404(PriceYear, pk=year_id)
        if year_id
        else price_year_on(on=on or timezone.localdate())
    )
    if year is None:
        raise NotFound("No framework year covers that date.")
    return {
        "year": year,
        "rates": [
            {
                "id": r.pk,
                "service_type": r.service_type,
                "district_code": r.district.code if r.district else None,
                "band": r.band,
                "amount": r.amount,
                "unit": r.unit,
            }
            for r in matrix_rate_list(year=year)
        ],
    }


def _selection(s: RateSelection) -> dict[str, object]:
    return {
        "id": s.pk,
        "provider_id": s.provider_id,
        "lot": _lot(s.lot),
        "year": s.year.label,
        "band": s.rate.band,
        "amount": s.rate.amount,
        "unit": s.rate.unit,
    }


@router.get("/rate-selections", response=list[SelectionOut], summary="A provider's selected rates")
def rate_selections(
    request: HttpRequest, provider_id: int, year_id: int | None = None
) -> list[dict[str, object]]:
    provider = _provider(request, provider_id)
    year = get_object_or_404(PriceYear, pk=year_id) if year_id else None
    return [_selection(s) for s in rate_selection_list(provider=provider, year=year)]


@router.post("/rate-selections", response={201: SelectionOut}, summary="Select a rate for a lot")
def rate_selection_create(request: HttpRequest, payload: SelectionIn) -> Status:
    provider = _provider(request, payload.provider_id)
    selection = rate_select(
        actor=request.user,
        provider=provider,
        lot=get_object_or_404(Lot.objects.select_related("district"), pk=payload.lot_id),
        year=get_object_or_404(PriceYear, pk=payload.year_id),
        amount=payload.amount,
        now=timezone.now(),
    )
    return Status(201, _selection(selection))


@router.get("/purchase-orders", response=list[OrderOut], summary="Purchase orders you may see")
@paginate(Pagination)
def purchase_orders(request: HttpRequest, package_reference: str = "") -> object:
    _require(request, "framework.view_framework")
    if package_reference:
        return [
            _order(o)
            for o in purchase_order_history(package_reference=package_reference)
            if request.user.has_perm("framework.view_provider", o)
        ]
    # Every order, a page at a time, with the total (it used to stop silently at 500).
    return _OrderPage(purchase_order_list_visible_to(viewer=request.user))


class _OrderPage:
    """The visible orders as the paginator slices them: counted in SQL, shaped per page."""

    def __init__(self, orders: QuerySet[PurchaseOrder]):
        self.orders = orders

    def all(self) -> QuerySet[PurchaseOrder]:
        return self.orders

    def __len__(self) -> int:
        return self.orders.count()

    def __getitem__(self, page: slice) -> list[dict[str, object]]:
        return [_order(o) for o in self.orders[page]]


@router.post("/purchase-orders", response={201: OrderOut}, summary="Issue a package's first order")
def purchase_order_create(request: HttpRequest, payload: OrderIn) -> Status:
    _require(request, "framework.issue_purchase_orders")
    order = purchase_order_issue(
        package_reference=payload.package_reference,
        provider=get_object_or_404(Provider, pk=payload.provider_id),
        lot=get_object_or_404(Lot.objects.select_related("district"), pk=payload.lot_id),
        hours_per_week=payload.hours_per_week,
        starts_on=payload.starts_on,
        actor=request.user,
        now=timezone.now(),
    )
    return Status(201, _order(order))


@router.post(
    "/purchase-orders/packages/{package_reference}/change-hours",
    response={200: OrderOut, 201: OrderOut},
    summary="Change a package's hours (a new order at the rate then in force)",
)
def purchase_order_hours(
    request: HttpRequest, package_reference: str, payload: ChangeHoursIn
) -> Status:
    _require(request, "framework.issue_purchase_orders")
    before = purchase_order_history(package_reference=package_reference)
    order = purchase_order_change_hours(
        package_reference=package_reference,
        hours_per_week=payload.hours_per_week,
        starts_on=payload.starts_on,
        actor=request.user,
        now=timezone.now(),
    )
    new = not before or order.pk != before[-1].pk
    return Status(201 if new else 200, _order(order))


class BranchRequestOut(Schema):
    id: int
    provider_id: int
    provider: str
    kind: str
    branch_id: int | None
    new_cqc_location_id: str
    new_name: str
    reason: str
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str

    @staticmethod
    def resolve_provider(obj: BranchChangeRequest) -> str:
        return obj.provider.organisation.name


@router.get(
    "/branch-requests",
    response=list[BranchRequestOut],
    summary="Providers' requests to add or remove branches (contract managers see all)",
)
@paginate(Pagination)
def branch_requests(request: HttpRequest, status: str = "") -> object:
    user = request.user
    if user.has_perm("framework.decide_branch_change"):
        return branch_change_request_list(status=status or None)
    provider = provider_for_user(user=user)
    if provider is None or not user.has_perm("framework.view_provider", provider):
        raise NotPermitted(
            "Only the Live at Home team and framework providers see branch requests."
        )
    return branch_change_request_list(provider=provider, status=status or None)
