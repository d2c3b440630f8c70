from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from caremarket.common.errors import NotFound, NotPermitted
from caremarket.common.pagination import Pagination
from caremarket.common.permissions import require_visible
from caremarket.framework.models import Provider
from caremarket.framework.selectors.providers import provider_for_user
from caremarket.sourcing.models import BatchingList, Offer, Package
from caremarket.sourcing.selectors import batching as batching_selectors
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.services import available, batching, care_book, offers, packages

router = Router(tags=["Sourcing"])


class PackageIn(Schema):
    person_reference: str
    postcode: str
    service_type: str
    cohort: str
    hours_per_week: Decimal
    visit_pattern: str
    start_date: dt.date
    needs: str = ""
    urgency: str = "routine"


class OfferOut(Schema):
    id: int
    package_reference: str
    provider: str
    stage: str
    offered_at: dt.datetime
    deadline: dt.datetime
    outcome: str
    answered_at: dt.datetime | None
    reason: str
    list_version_id: int | None

    @staticmethod
    def resolve_package_reference(obj: Offer) -> str:
        return obj.package.reference

    @staticmethod
    def resolve_provider(obj: Offer) -> str:
        return obj.provider.organisation.name


class ProviderOfferOut(OfferOut):
    district: str
    outward_code: str
    service_type: str
    cohort: str
    hours_per_week: Decimal
    visit_pattern: str
    start_date: dt.date

    @staticmethod
    def resolve_district(obj: Offer) -> str:
        return obj.package.district.name

    @staticmethod
    def resolve_outward_code(obj: Offer) -> str:
        return obj.package.outward_code

    @staticmethod
    def resolve_service_type(obj: Offer) -> str:
        return obj.package.lot.service_type

    @staticmethod
    def resolve_cohort(obj: Offer) -> str:
        return obj.package.lot.cohort

    @staticmethod
    def resolve_hours_per_week(obj: Offer) -> Decimal:
        return obj.package.hours_per_week

    @staticmethod
    def resolve_visit_pattern(obj: Offer) -> str:
        return obj.package.visit_pattern

    @staticmethod
    def resolve_start_date(obj: Offer) -> dt.date:
        return obj.package.start_date


class DecisionOut(Schema):
    at: dt.datetime
    kind: str
    stage: str
    reason: str
    provider_id: int | None
    list_version_id: int | None


class PackageOut(Schema):
    id: int
    reference: str
    person_reference: str
    postcode: str
    district: str
    service_type: str
    cohort: str
    hours_per_week: Decimal
    visit_pattern: str
    start_date: dt.date
    urgency: str
    stage: str
    route: str
    placed_with: str | None
    placed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    ended_on: dt.date | None
    created_at: dt.datetime
    offers: list[OfferOut]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_district(obj: Package) -> str:
        return obj.district.name

    @staticmethod
    def resolve_service_type(obj: Package) -> str:
        return obj.lot.service_type

    @staticmethod
    def resolve_cohort(obj: Package) -> str:
        return obj.lot.cohort

    @staticmethod
    def resolve_placed_with(obj: Package) -> str | None:
        return obj.placed_with.name if obj.placed_with else None

    @staticmethod
    def resolve_offers(obj: Package) -> list[Offer]:
        return list(obj.offers.all())

    @staticmethod
    def resolve_decisions(obj: Package) -> list[object]:
        return list(obj.decisions.all())


class DeclineIn(Schema):
    reason: str


class PackageEndIn(Schema):
    ends_on: dt.date
    reason: str


@router.post(
    "/packages", response={201: PackageOut}, summary="Create a package and start sourcing it"
)
def package_create(request: HttpRequest, payload: PackageIn) -> Status:
    require_visible(request.user, "sourcing.manage_packages")
    package = packages.package_create(actor=request.user, now=timezone.now(), **payload.dict())
    return Status(201, selectors.package_detail(package_id=package.pk))


@router.get(
    "/packages/{package_id}", response=PackageOut, summary="A package with its offer history"
)
def package_get(request: HttpRequest, package_id: int) -> Package:
    require_visible(request.user, "sourcing.view_packages")
    try:
        return selectors.package_detail(package_id=package_id)
    except Package.DoesNotExist:
        raise Http404 from None


@router.post(
    "/packages/{package_id}/end",
    response=PackageOut,
    summary="Record the last day of a placed package's care (ends its purchase order)",
)
def package_end(request: HttpRequest, package_id: int, payload: PackageEndIn) -> Package:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package, pk=package_id)
    packages.package_end(actor=request.user, package=package, now=timezone.now(), **payload.dict())
    return selectors.package_detail(package_id=package.pk)


@router.get("/offers", response=list[ProviderOfferOut], summary="Offers made to your organisation")
@paginate(Pagination)
def offer_list(request: HttpRequest, open_only: bool = False) -> object:
    require_visible(request.user, "sourcing.answer_offers")
    return selectors.offer_list_for(user=request.user, open_only=open_only)


def _own_offer(request: HttpRequest, offer_id: int) -> Offer:
    offer = get_object_or_404(
        Offer.objects.select_related("provider__organisation", "package"), pk=offer_id
    )
    if not request.user.has_perm("sourcing.answer_offer", offer):
        raise Http404
    return offer


@router.post("/offers/{offer_id}/accept", response=ProviderOfferOut, summary="Accept an offer")
def offer_accept(request: HttpRequest, offer_id: int) -> Offer:
    return offers.offer_accept(
        actor=request.user, offer=_own_offer(request, offer_id), now=timezone.now()
    )


@router.post(
    "/offers/{offer_id}/decline",
    response=ProviderOfferOut,
    summary="Decline an offer, with a reason",
)
def offer_decline(request: HttpRequest, offer_id: int, payload: DeclineIn) -> Offer:
    return offers.offer_decline(
        actor=request.user,
        offer=_own_offer(request, offer_id),
        reason=payload.reason,
        now=timezone.now(),
    )


class CareBookProblemOut(Schema):
    row: int | str
    column: str
    value: str
    rule: str


class CareBookOut(Schema):
    id: int
    filename: str
    packages: int
    purchase_orders: int
    spot_packages: int


class CareBookRefusedOut(Schema):
    detail: str
    code: str
    total: int
    problems: list[CareBookProblemOut]


@router.post(
    "/care-book-imports",
    response={201: CareBookOut, 422: CareBookRefusedOut},
    summary="Load the council's book of care (CSV or xlsx, multipart field 'file'), whole or not",
)
def care_book_create(request: HttpRequest, file: File[UploadedFile]) -> Status:
    require_visible(request.user, "sourcing.import_care_book")
    try:
        run = care_book.care_book_import(
            actor=request.user,
            data=file.read(),
            filename=file.name or "book.csv",
            now=timezone.now(),
        )
    except care_book.CareBookInvalid as exc:
        body = {"detail": exc.message, "code": "ValidationFailed", "total": exc.total}
        return Status(422, {**body, "problems": exc.problems})
    return Status(201, run)


class ListedPackageOut(Schema):
    """A package as the lists sent to providers show it: never the person or their postcode."""

    id: int
    reference: str
    district: str
    outward_code: str
    service_type: str
    cohort: str
    hours_per_week: Decimal
    visit_pattern: str
    start_date: dt.date

    @staticmethod
    def resolve_district(obj: Package) -> str:
        return obj.district.name

    @staticmethod
    def resolve_service_type(obj: Package) -> str:
        return obj.lot.service_type

    @staticmethod
    def resolve_cohort(obj: Package) -> str:
        return obj.lot.cohort


class BatchingRowOut(ListedPackageOut):
    interested: bool


class BatchingListOut(Schema):
    id: int
    issued_at: dt.datetime
    closes_at: dt.datetime
    packages: list[BatchingRowOut]


class BatchingReturnIn(Schema):
    interested: list[int] = Field(
        default_factory=list, description="Ids of the listed packages your organisation wants"
    )


def _open_batching_list(request: HttpRequest) -> tuple[BatchingList, Provider]:
    require_visible(request.user, "sourcing.view_batching_list")
    current = batching_selectors.batching_list_open(now=timezone.now())
    provider = provider_for_user(user=request.user)
    if current is None:
        raise NotFound(
            "No Batching List is open now; the next is issued at 16:00 on a working day."
        )
    if provider is None:
        raise NotPermitted("Only framework providers answer the Batching List.")
    return current, provider


def _batching_out(current: BatchingList, provider: Provider) -> dict[str, object]:
    ticks = batching_selectors.batching_returns_of(batching_list=current, provider=provider)
    rows = batching_selectors.batching_packages_for(batching_list=current, provider=provider)
    for package in rows:
        # Read by BatchingRowOut beside the package's own fields.
        package.interested = ticks.get(package.pk, False)  # type: ignore[attr-defined]
    return {
        "id": current.pk,
        "issued_at": current.issued_at,
        "closes_at": current.closes_at,
        "packages": rows,
    }


@router.get(
    "/batching-list",
    response=BatchingListOut,
    summary="The open Batching List with your organisation's answers (framework providers)",
)
def batching_list(request: HttpRequest) -> dict[str, object]:
    current, provider = _open_batching_list(request)
    return _batching_out(current, provider)


@router.put(
    "/batching-list/return",
    response=BatchingListOut,
    summary="Say which listed packages you want (replaces your earlier answer until it closes)",
)
def batching_return(request: HttpRequest, payload: BatchingReturnIn) -> dict[str, object]:
    current, provider = _open_batching_list(request)
    batching.batching_return_record(
        actor=request.user,
        batching_list=current,
        provider=provider,
        interested=set(payload.interested),
        now=timezone.now(),
        source="api",
    )
    return _batching_out(current, provider)


class ProposalIn(Schema):
    rate: Decimal = Field(..., gt=0, max_digits=6, decimal_places=2, description="£ an hour")
    notes: str = Field("", max_length=2000)


class ProposalOut(Schema):
    id: int
    package_id: int
    rate: Decimal
    notes: str
    status: str


@router.get(
    "/available-packages",
    response=list[ListedPackageOut],
    summary="The Available Packages list in force (home care providers and council staff)",
)
@paginate(Pagination)
def available_package_list(request: HttpRequest) -> object:
    require_visible(request.user, "sourcing.view_available_packages")
    return selectors.available_packages()


@router.post(
    "/available-packages/{package_id}/proposals",
    response={201: ProposalOut},
    summary="Propose a rate for a package on the Available Packages list",
)
def available_package_propose(request: HttpRequest, package_id: int, payload: ProposalIn) -> Status:
    package = get_object_or_404(Package, pk=package_id)
    proposal = available.rate_proposal_submit(
        actor=request.user,
        package=package,
        rate=payload.rate,
        notes=payload.notes,
        now=timezone.now(),
    )
    return Status(201, proposal)
