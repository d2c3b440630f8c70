"""Transfers of care between providers, agreed by all three parties."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Schema, Status

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import NotFound
from caremarket.common.permissions import require_visible
from caremarket.framework.models import Provider
from caremarket.sourcing.apis.common import rounds_router
from caremarket.sourcing.models import Transfer
from caremarket.sourcing.selectors import transfers as transfer_selectors
from caremarket.sourcing.selectors.packages import package_by_reference
from caremarket.sourcing.services import transfers


class TransferIn(Schema):
    package_reference: str
    to_provider_id: int
    transfer_date: dt.date
    reason: str


class SwapIn(Schema):
    package_reference: str
    other_package_reference: str
    transfer_date: dt.date
    reason: str


class WithdrawIn(Schema):
    reason: str


class TransferOut(Schema):
    id: int
    package_reference: str = Field(alias="package.reference")
    from_provider: str = Field(alias="from_organisation.name")
    to_provider: str = Field(alias="to_provider.organisation.name")
    transfer_date: dt.date
    notice_days: int
    reason: str
    status: str
    from_agreed_at: dt.datetime | None
    to_accepted_at: dt.datetime | None
    council_approved_at: dt.datetime | None
    withdrawn_reason: str
    new_order_reference: str
    # The other leg's id when this transfer is one leg of a swap; the two move together.
    swap_with: int | None = Field(alias="swap_with_id")


def _transfer(request: HttpRequest, transfer_id: int) -> Transfer:
    return get_object_or_404(
        transfer_selectors.transfer_list_for(user=request.user), pk=transfer_id
    )


@rounds_router.get(
    "/transfers",
    response=list[TransferOut],
    summary="Transfers of care you are party to",
    operation_id="caremarket_sourcing_rounds_apis_transfer_list",
)
def transfer_list(request: HttpRequest) -> list[Transfer]:
    require_visible(request.user, "sourcing.view_transfers")
    return list(transfer_selectors.transfer_list_for(user=request.user))


@rounds_router.post(
    "/transfers",
    response={201: TransferOut},
    summary="Propose moving a package to a provider whose round it fits better",
    operation_id="caremarket_sourcing_rounds_apis_transfer_propose",
)
def transfer_propose(request: HttpRequest, payload: TransferIn) -> Status:
    require_visible(request.user, "sourcing.view_transfers")
    package = package_by_reference(reference=payload.package_reference)
    provider = Provider.objects.filter(pk=payload.to_provider_id).first()
    if package is None:
        raise NotFound("No such package among the packages you deliver.", field="package_reference")
    if provider is None:
        raise NotFound("There is no such framework provider.", field="to_provider_id")
    transfer = transfers.transfer_propose(
        actor=current_user(request),
        package=package,
        to_provider=provider,
        transfer_date=payload.transfer_date,
        reason=payload.reason,
        now=timezone.now(),
    )
    return Status(201, _transfer(request, transfer.pk))


@rounds_router.post(
    "/transfers/swaps",
    response={201: list[TransferOut]},
    summary="The council proposes swapping two packages between their two providers",
    operation_id="caremarket_sourcing_rounds_apis_transfer_swap_propose",
)
def transfer_swap_propose(request: HttpRequest, payload: SwapIn) -> Status:
    # Only the council proposes swaps: anyone else is refused before any reference is looked
    # up, so the answer never says whether a package reference exists.
    require_visible(request.user, "sourcing.manage_packages")
    package = package_by_reference(reference=payload.package_reference)
    other = package_by_reference(reference=payload.other_package_reference)
    if package is None:
        raise NotFound("There is no such package.", field="package_reference")
    if other is None:
        raise NotFound("There is no such package.", field="other_package_reference")
    first, second = transfers.transfer_swap_propose(
        actor=current_user(request),
        package=package,
        other_package=other,
        transfer_date=payload.transfer_date,
        reason=payload.reason,
        now=timezone.now(),
    )
    return Status(201, [_transfer(request, first.pk), _transfer(request, second.pk)])


@rounds_router.post(
    "/transfers/{transfer_id}/agree",
    response=TransferOut,
    summary="Agree as your party: the current provider, the receiving provider or the council",
    operation_id="caremarket_sourcing_rounds_apis_transfer_agree",
)
def transfer_agree(request: HttpRequest, transfer_id: int) -> Transfer:
    require_visible(request.user, "sourcing.view_transfers")
    transfers.transfer_agree(
        actor=current_user(request), transfer=_transfer(request, transfer_id), now=timezone.now()
    )
    return _transfer(request, transfer_id)


@rounds_router.post(
    "/transfers/{transfer_id}/withdraw",
    response=TransferOut,
    summary="Withdraw a transfer before its date",
    operation_id="caremarket_sourcing_rounds_apis_transfer_withdraw",
)
def transfer_withdraw(request: HttpRequest, transfer_id: int, payload: WithdrawIn) -> Transfer:
    require_visible(request.user, "sourcing.view_transfers")
    transfers.transfer_withdraw(
        actor=current_user(request),
        transfer=_transfer(request, transfer_id),
        reason=payload.reason,
        now=timezone.now(),
    )
    return _transfer(request, transfer_id)
