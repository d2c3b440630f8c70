"""Providers answering offers, and offers lapsing at their deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.sourcing.engine import decide
from caremarket.sourcing.models import Offer
from caremarket.sourcing.services.engine_io import package_lock, run_step

NOT_YOURS = "No such offer."


def _answer(*, actor: Any, offer: Offer, accept: bool, reason: str, now: dt.datetime) -> Offer:
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
def offer_accept(*, actor: Any, offer: Offer, now: dt.datetime) -> Offer:
    return _answer(actor=actor, offer=offer, accept=True, reason="", now=now)


@transaction.atomic
def offer_decline(*, actor: Any, offer: Offer, reason: str, now: dt.datetime) -> Offer:
    if not reason.strip():
        raise ValidationFailed(
            {"reason": ["Say why you are declining, so the council can plan capacity."]}
        )
    return _answer(actor=actor, offer=offer, accept=False, reason=reason.strip(), now=now)


def offers_lapse_due(*, now: dt.datetime) -> int:
    """Close every open offer past its deadline and move each package on. Safe to run often."""
    lapsed = 0
    due = list(
        Offer.objects.filter(outcome="", deadline__lte=now).values_list("package_id", flat=True)
    )
    for package_id in due:
        with transaction.atomic():
            package = package_lock(package_id)
            decisions = run_step(
                package=package,
                now=now,
                actor=None,
                action="offer.lapsed",
                step=lambda state, ranked, rules: decide.offer_lapse(
                    state, ranked=ranked, now=now, rules=rules
                ),
            )
            lapsed += int(bool(decisions))
    return lapsed
