"""A provider asks to change the branches in its agreement; the council decides."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import Conflict, ValidationFailed
from caremarket.common.permissions import require
from caremarket.cqc.selectors import cqc_location_get
from caremarket.framework.models import Branch, BranchChangeRequest, Provider
from caremarket.framework.selectors.providers import contract_managers, provider_users
from caremarket.framework.services.providers import branch_add, provider_eligibility_refresh
from caremarket.notifications.services import notification_send

NOT_YOURS = "Only the provider's administrators can ask to change its branches."
NOT_DECIDER = "Only the Live at Home team can decide on branch changes."


def _ownership_problem(location_id: str, provider: Provider) -> str | None:
    """Why this location cannot be the provider's branch, from the CQC register; else None."""
    location = cqc_location_get(location_id=location_id)
    if location is None:
        return (
            f"{location_id} is not in the CQC register the council holds. Check the ID; if the"
            " location is newly registered, ask the council to import the latest CQC directory."
        )
    if location.provider_id != provider.cqc_provider_id:
        owner = location.provider_name or "another provider"
        return (
            f"{location_id} ({location.name}) is registered to {owner}"
            f" (CQC provider ID {location.provider_id or 'not given'}), not to your CQC provider"
            f" ID {provider.cqc_provider_id}."
        )
    if not location.registered:
        return f"{location_id} ({location.name}) is no longer registered with the CQC."
    return None


def _register_name(location_id: str) -> str:
    location = cqc_location_get(location_id=location_id)
    return location.name[:255] if location else ""


@transaction.atomic
def branch_change_request_submit(
    *,
    actor: User,
    provider: Provider,
    kind: str,
    reason: str,
    branch: Branch | None = None,
    new_cqc_location_id: str = "",
    now: dt.datetime,
) -> BranchChangeRequest:
    require(actor, "framework.request_branch_change", provider, NOT_YOURS)
    errors: dict[str, list[str]] = {}
    needs_branch = kind in (BranchChangeRequest.Kind.REMOVE, BranchChangeRequest.Kind.REPLACE)
    needs_new = kind in (BranchChangeRequest.Kind.ADD, BranchChangeRequest.Kind.REPLACE)
    if kind not in BranchChangeRequest.Kind.values:
        errors["kind"] = ["Choose whether to add, remove or replace a branch."]
    if needs_branch and (branch is None or branch.provider_id != provider.pk):
        errors["branch"] = ["Choose one of your branches listed in the agreement."]
    elif needs_branch and branch is not None and not branch.listed_in_agreement:
        errors["branch"] = [f"{branch.name} is not listed in your agreement."]
    new_id = new_cqc_location_id.strip()
    if needs_new and not new_id:
        errors["new_cqc_location_id"] = ["Enter the CQC location ID of the new branch."]
    elif (
        needs_new
        and Branch.objects.filter(cqc_location_id=new_id, listed_in_agreement=True).exists()
    ):
        errors["new_cqc_location_id"] = [f"{new_id} is already listed in an agreement."]
    elif needs_new and (problem := _ownership_problem(new_id, provider)):
        errors["new_cqc_location_id"] = [problem]
    if not reason.strip():
        errors["reason"] = ["Say why the change is needed."]
    if errors:
        raise ValidationFailed(errors)
    request = BranchChangeRequest.objects.create(
        provider=provider,
        kind=kind,
        branch=branch if needs_branch else None,
        new_cqc_location_id=new_id if needs_new else "",
        # The branch takes the name the register gives it (see branch_add).
        new_name=_register_name(new_id) if needs_new else "",
        reason=reason.strip(),
        requested_by=actor,
        requested_at=now,
    )
    audit_record(actor=actor, action="framework_branch_change.requested", obj=request, at=now)
    notification_send(
        recipients=contract_managers(),
        event="framework.branch_change_requested",
        subject=f"{provider.name} asks to {request.get_kind_display().lower()}",
        body=f"{provider.name} asks to {request.get_kind_display().lower()}: {request.reason}",
        url=reverse("framework:branch-request", args=[request.pk]),
        now=now,
    )
    return request


def _apply(request: BranchChangeRequest, actor: User | None, now: dt.datetime) -> None:
    if request.branch is not None:
        request.branch.listed_in_agreement = False
        request.branch.save(update_fields=["listed_in_agreement"])
        audit_record(
            actor=actor,
            action="framework_branch.delisted",
            obj=request.branch,
            at=now,
            changes={"listed_in_agreement": [True, False]},
            data={"request": request.pk},
        )
    if request.new_cqc_location_id:
        existing = Branch.objects.filter(cqc_location_id=request.new_cqc_location_id).first()
        if existing is None:
            branch_add(
                actor=actor,
                provider=request.provider,
                cqc_location_id=request.new_cqc_location_id,
                name=request.new_name,
                now=now,
            )
        elif existing.provider_id != request.provider_id:
            raise Conflict(
                f"{request.new_cqc_location_id} is a branch of another provider on the framework."
            )
        else:
            existing.listed_in_agreement = True
            existing.save(update_fields=["listed_in_agreement"])
            audit_record(
                actor=actor,
                action="framework_branch.listed",
                obj=existing,
                at=now,
                changes={"listed_in_agreement": [False, True]},
                data={"request": request.pk},
            )
    provider_eligibility_refresh(providers=[request.provider], now=now)


@transaction.atomic
def branch_change_request_decide(
    *,
    actor: User | None,
    request: BranchChangeRequest,
    approve: bool,
    note: str = "",
    now: dt.datetime,
) -> BranchChangeRequest:
    require(actor, "framework.decide_branch_change", request, NOT_DECIDER)
    locked = BranchChangeRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != BranchChangeRequest.Status.PENDING:
        raise Conflict(f"This request was already {locked.get_status_display().lower()}.")
    if not approve and not note.strip():
        raise ValidationFailed({"note": ["Say why the request is rejected."]})
    if approve:
        _apply(locked, actor, now)
    locked.status = (
        BranchChangeRequest.Status.APPROVED if approve else BranchChangeRequest.Status.REJECTED
    )
    locked.decided_by, locked.decided_at, locked.decision_note = actor, now, note.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action=f"framework_branch_change.{locked.status}",
        obj=locked,
        at=now,
        changes={"status": [BranchChangeRequest.Status.PENDING, locked.status]},
        data={"note": locked.decision_note},
    )
    notification_send(
        recipients=provider_users(providers=[locked.provider]),
        event="framework.branch_change_decided",
        subject=f"Your request to {locked.get_kind_display().lower()} was {locked.status}",
        body=locked.decision_note or f"Your request was {locked.status}.",
        url=reverse("framework:branch-request", args=[locked.pk]),
        now=now,
    )
    return locked
