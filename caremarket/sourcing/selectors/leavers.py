"""Leavers and positions: what ending an agreement will do, and each package's offer history
with the place every provider held in the issued list (decision 0073)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from caremarket.framework.models import Provider
from caremarket.sourcing.models import Offer, Package, PassedOverChoices, SourcingDecision


def provider_open_offers(*, provider: Provider) -> list[Offer]:
    return list(
        Offer.objects.filter(provider=provider, outcome="")
        .select_related("package__lot__district")
        .order_by("package__reference")
    )


def leaver_open_offers_preview(*, provider: Provider, now: dt.datetime) -> tuple[int, list[str]]:
    """FRAMEWORK_AGREEMENT_END_PREVIEWS entry: the open offers ending the agreement withdraws."""
    offers = provider_open_offers(provider=provider)
    if not offers:
        return 0, [f"{provider.name} holds no open offers: no package moves."]
    references = ", ".join(o.package.reference for o in offers)
    noun = "offer" if len(offers) == 1 else "offers"
    return len(offers), [
        f"{len(offers)} open {noun} will be withdrawn at once ({references}); each package is"
        " offered to the next provider in rank order, and the providers are told."
    ]


@dataclass(frozen=True)
class HistoryRow:
    """One provider's turn at a package: an offer, or a place passed over without one."""

    at: dt.datetime
    provider_name: str
    version_number: int | None
    tier: int | None
    position: int | None
    stage: str
    offered: bool
    deadline: dt.datetime | None
    answer: str  # empty while an offer waits
    passed_over: str  # the reason in words, empty when it was not

    @property
    def place(self) -> str:
        if self.position is None:
            return "Not on the list"
        return f"Tier {self.tier}, position {self.position}"


def package_offer_history(*, package: Package) -> list[HistoryRow]:
    """Every offer and every provider passed over, in time order, each at its issued place."""
    labels = dict(PassedOverChoices.choices)
    rows = [
        HistoryRow(
            at=o.offered_at,
            provider_name=o.provider.organisation.name,
            version_number=o.list_version.number if o.list_version else None,
            tier=o.tier,
            position=o.position,
            stage=o.get_stage_display(),
            offered=True,
            deadline=o.deadline,
            answer=(o.get_outcome_display() + (f": {o.reason}" if o.reason else ""))
            if o.outcome
            else "",
            passed_over=labels.get(o.passed_over, ""),
        )
        for o in package.offers.select_related("provider__organisation", "list_version")
    ]
    # A hand-back's own "passed_over" note names no provider; the sourcing history shows it.
    passed = SourcingDecision.objects.filter(
        package=package, kind="passed_over", provider__isnull=False
    ).select_related("provider__organisation", "list_version")
    for d in passed:
        rows.append(
            HistoryRow(
                at=d.at,
                provider_name=d.provider.organisation.name if d.provider else "",
                version_number=d.list_version.number if d.list_version else None,
                tier=d.tier,
                position=d.position,
                stage=d.get_stage_display(),
                offered=False,
                deadline=None,
                answer=d.reason,
                passed_over=labels.get(d.passed_over, ""),
            )
        )
    # At one instant, those passed over come before the offer made past them.
    return sorted(rows, key=lambda r: (r.at, r.offered, r.tier or 0, r.position or 0))
