"""The Available Packages list, sent every Monday and Thursday, and providers' rate proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse

from caremarket.accounts.models import OrganisationKind, User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotFound, NotPermitted, ValidationFailed
from caremarket.common.text import counted
from caremarket.notifications.services import notification_send
from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.models import AvailableList, Package, RateProposal
from caremarket.sourcing.services.engine_io import offers_of, state_of
from caremarket.sourcing.services.timetable_runs import brokers


@transaction.atomic
def available_list_issue(
    *, now: dt.datetime, due_at: dt.datetime | None = None, actor: User | None = None
) -> AvailableList | None:
    """List every package that tier 2 could not place; all home care providers are told."""
    packages = list(Package.objects.select_for_update().filter(stage=Stage.AVAILABLE.value))
    waiting = [p for p in packages if p.awaiting_available_list]
    offers = offers_of(waiting)
    states = {p.pk: state_of(p, offers[p.pk]) for p in waiting}
    decide.available_list_issue(states.values(), now=now)
    if not packages:
        return None
    try:
        with transaction.atomic():
            available = AvailableList.objects.create(issued_at=now)
    except IntegrityError:
        return None
    # One UPDATE for the whole list, however many packages tier 2 left over.
    for package in waiting:
        package.awaiting_available_list = False
    Package.objects.filter(pk__in=[p.pk for p in waiting]).update(awaiting_available_list=False)
    # Packages still unplaced from earlier lists stay on the new one.
    still = [p for p in packages if p not in waiting]
    available.packages.set(packages)
    if still:
        notification_send(
            recipients=brokers(),
            event="sourcing.unsourced_after_available_list",
            subject=(
                f"{counted(len(still), 'package')} still unsourced after the Available Packages"
                " list"
            ),
            body=(
                "No proposal placed these packages after they went on the Available Packages "
                "list: " + ", ".join(sorted(p.reference for p in still)) + ". Consider a "
                "mini-competition or a spot purchase."
            ),
            url=reverse("sourcing:available"),
            now=now,
        )
    notification_send(
        recipients=User.objects.filter(
            is_active=True,
            organisation__kind=OrganisationKind.HOME_CARE_PROVIDER,
            organisation__is_active=True,
        ),
        event="sourcing.available_list",
        subject=f"Available Packages: {counted(len(packages), 'package')}",
        body=(
            "Packages the framework could not place. "
            "Propose a rate or a way to make a package viable."
        ),
        url=reverse("sourcing:available"),
        now=now,
    )
    audit_record(
        actor=actor,
        action="available_list.issued",
        obj=available,
        at=now,
        data={"packages": [p.reference for p in packages], "due_at": due_at or now},
    )
    return available


@transaction.atomic
def rate_proposal_submit(
    *, actor: User, package: Package, rate: Decimal, notes: str, now: dt.datetime
) -> RateProposal:
    if not actor.has_perm("sourcing.propose_rate"):
        raise NotPermitted("Only home care providers can propose rates.")
    package = Package.objects.select_for_update().get(pk=package.pk)
    if package.stage != Stage.AVAILABLE.value or package.awaiting_available_list:
        raise NotFound("That package is not on the Available Packages list.")
    if rate <= 0:
        raise ValidationFailed({"rate": ["The rate must be more than £0 an hour."]})
    RateProposal.objects.filter(
        package=package, organisation=actor.organisation, status=RateProposal.Status.OPEN
    ).update(status=RateProposal.Status.NOT_TAKEN)
    proposal = RateProposal.objects.create(
        package=package,
        organisation=actor.organisation,
        rate=rate,
        notes=notes.strip(),
        submitted_at=now,
        submitted_by=actor,
    )
    audit_record(
        actor=actor,
        action="rate_proposal.submitted",
        obj=proposal,
        at=now,
        data={"package": package.reference, "rate": rate},
    )
    if package.created_by:
        notification_send(
            recipients=[package.created_by],
            event="sourcing.proposal",
            now=now,
            subject=f"Proposal for {package.reference}: £{rate} an hour from {actor.organisation}",
            body=notes.strip() or "No notes.",
            url=reverse("sourcing:package-detail", args=[package.pk]),
        )
    return proposal
