"""Providers answering offers, and offers lapsing at their deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from caremarket.accounts.models import User
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.sourcing.engine import decide
from caremarket.sourcing.models import Offer, Package
from caremarket.sourcing.services.engine_io import package_lock, run_step, run_steps_isolated

NOT_YOURS = "No such offer."


def _answer(
    *, actor: User | None, offer: Offer, accept: bool, reason: str, now: dt.datetime
) -> Offer:
    if actor is not None and not actor.has_perm("sourcing.answer_offer", offer):
        # Another provider's offer is not confirmed to exist.
        raise NotFound(NOT_YOURS)
    package = package_lock(offer.package_id)
    offer.refresh_from_db()
    if not offer.is_open:
        raise ValidationFailed(
            f"This offer has already been {offer.get_outcome_display().lower()}; "
            "it cannot be answered again."
        )
    run_step(
        package=package,
        now=now,
        actor=actor,
        answered_by=actor,
        action="offer.accepted" if accept else "offer.declined",
        step=lambda state, ranked, rules: decide.offer_answer(
            state,
            provider_id=offer.provider_id,
            accept=accept,
            reason=reason,
            ranked=ranked,
            now=now,
            rules=rules,
        ),
    )
    offer.refresh_from_db()
    return offer


@transaction.atomic
def offer_accept(*, actor: User | None, offer: Offer, now: dt.datetime) -> Offer:
    return _answer(actor=actor, offer=offer, accept=True, reason="", now=now)


@transaction.atomic
def offer_decline(*, actor: User | None, offer: Offer, reason: str, now: dt.datetime) -> Offer:
    if not reason.strip():
        raise ValidationFailed(
            {"reason": ["Say why you are declining, so the council can plan capacity."]}
        )
    return _answer(actor=actor, offer=offer, accept=False, reason=reason.strip(), now=now)


def _lapser(now: dt.datetime) -> Any:
    def step(state: Any, ranked: Any, rules: Any) -> Any:
        return decide.offer_lapse(state, ranked=ranked, now=now, rules=rules)

    return step


def offers_lapse_due(*, now: dt.datetime) -> int:
    """Close every open offer past its deadline and move each package on. Safe to run often.

    Every due package is locked and stepped together (issue 13): at ten times Essex's volume
    a minute can see dozens lapse, and one engine step each with its own reads and inserts
    made the tick's cost grow with them. Each package still gets exactly its own step.
    """
    due = Offer.objects.filter(outcome="", deadline__lte=now)
    if not due.exists():
        return 0
    with transaction.atomic():
        # In id order, so two workers lapsing the same minute lock without deadlocking; an
        # offer answered meanwhile is no longer open once its package is locked, and the
        # engine's lapse then does nothing for it.
        packages = list(
            Package.objects.select_for_update()
            .select_related("lot__district")
            .filter(pk__in=due.values("package_id"))
            .order_by("pk")
        )
        decisions = run_steps_isolated(
            packages=packages, step_for=lambda package: _lapser(now), now=now, action="offer.lapsed"
        )
    return sum(bool(d) for d in decisions.values())
