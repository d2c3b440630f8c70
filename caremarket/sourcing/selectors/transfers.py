from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from caremarket.framework.models import Provider
from caremarket.framework.selectors.ranked_lists import ranked_list_in_force
from caremarket.sourcing.models import Transfer, TransferStatus


def transfer_list_for(*, user: Any) -> QuerySet[Transfer]:
    qs = Transfer.objects.select_related(
        "package__lot__district", "from_organisation", "to_provider__organisation", "proposed_by"
    ).order_by("status", "transfer_date", "id")
    if user.is_council:
        return qs
    return qs.filter(
        Q(from_organisation_id=user.organisation_id)
        | Q(to_provider__organisation_id=user.organisation_id)
    )


def transfer_cards(transfers: list[Transfer]) -> list[list[Transfer]]:
    """The list as people read it: a single transfer alone, a swap's two legs together."""
    by_id = {t.pk: t for t in transfers}
    cards: list[list[Transfer]] = []
    shown: set[int] = set()
    for t in transfers:
        if t.pk in shown:
            continue
        card = [t] + ([by_id[t.swap_with_id]] if t.swap_with_id in by_id else [])
        shown.update(leg.pk for leg in card)
        cards.append(card)
    return cards


def transfers_due(*, today: dt.date) -> QuerySet[Transfer]:
    return Transfer.objects.filter(
        status=TransferStatus.AGREED, transfer_date__lte=today
    ).select_related("package", "to_provider__organisation", "from_organisation")


def transfer_candidates(*, package: Any, today: dt.date) -> QuerySet[Provider]:
    """Providers on the framework for the package's lot today, other than the current one."""
    listed = ranked_list_in_force(lot=package.lot, on=today)
    ids = [e.provider_id for e in (*listed.tier1, *listed.tier2)]
    return (
        Provider.objects.filter(pk__in=ids, is_active=True)
        .exclude(organisation_id=package.placed_with_id)
        .select_related("organisation")
        .order_by("organisation__name")
    )
