"""A provider leaves the framework: its open offers are withdrawn and each package moves on."""

from __future__ import annotations

import datetime as dt

from caremarket.accounts.models import User
from caremarket.framework.models import Provider
from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.model import PassedOver
from caremarket.sourcing.selectors.leavers import provider_open_offers
from caremarket.sourcing.services.engine_io import package_lock, run_step


def offers_withdraw_for_leaver(*, provider: Provider, actor: User | None, now: dt.datetime) -> int:
    """FRAMEWORK_AGREEMENT_END_HOOKS entry, run inside `provider_agreement_end`'s transaction.

    Each open offer is withdrawn through the engine, as a decline would be, so the package is
    offered to the next provider in rank order (the leaver is no longer on the list in force).
    Returns how many offers were withdrawn.
    """
    assert provider.left_on is not None, "called once the agreement has ended"
    reason = (
        f"{provider.name} left the framework on {provider.left_on.day} {provider.left_on:%B %Y}."
    )
    withdrawn = 0
    for offer in provider_open_offers(provider=provider):
        package = package_lock(offer.package_id)
        decisions = run_step(
            package=package,
            now=now,
            actor=actor,
            action="offer.withdrawn",
            step=lambda state, ranked, rules: decide.offer_withdraw(
                state,
                provider_id=provider.pk,
                because=PassedOver.LEFT_FRAMEWORK,
                reason=reason,
                ranked=ranked,
                now=now,
                rules=rules,
            ),
        )
        withdrawn += int(bool(decisions))
    return withdrawn
