"""The Batching List: issued at 16:00 to tier-1 providers, returned by 10:00 next working day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.common.text import counted
from caremarket.framework.models import Lot, Provider
from caremarket.framework.selectors.providers import provider_users
from caremarket.framework.selectors.ranked_lists import ranked_lists_in_force
from caremarket.notifications.services import notification_send
from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.engine.timetable import StepKind
from caremarket.sourcing.models import BatchingList, BatchingListLine, BatchingReturn, Package
from caremarket.sourcing.selectors.batching import batching_list_due_to_close, batching_packages_for
from caremarket.sourcing.selectors.round_fit import round_fit_shown_many
from caremarket.sourcing.services.engine_io import (
    Stepped,
    offers_of,
    run_steps_isolated,
    sourcing_rules,
    state_of,
    states_save,
)
from caremarket.sourcing.services.timetable_runs import timetable_run_claim

CLOSED = (
    "The Batching List of {issued:%d %B} closed at {closes:%H:%M on %d %B}; "
    "returns are no longer accepted."
)


@transaction.atomic
def batching_list_issue(
    *, now: dt.datetime, due_at: dt.datetime | None = None, actor: User | None = None
) -> BatchingList | None:
    """Put every package still at tier 1 on a new list. None (and no list) when nothing is left.

    `due_at` is when the timetable wanted the list, if the worker is issuing it late: the
    returns then close when that list's would have.
    """
    rules = sourcing_rules()
    if not rules.calendar.is_working_day(rules.calendar.local(due_at or now).date()):
        return None
    packages = list(Package.objects.select_for_update().filter(stage=Stage.TIER1.value))
    offers = offers_of(packages)
    states = {p.pk: state_of(p, offers[p.pk]) for p in packages}
    listed, closes, made = decide.batching_issue(
        states.values(), now=now, rules=rules, due_at=due_at
    )
    if not listed or closes is None:
        return None
    try:
        with transaction.atomic():
            batching_list = BatchingList.objects.create(issued_at=now, closes_at=closes)
    except IntegrityError:
        return None  # another worker issued this list already
    by_id = {p.pk: p for p in packages}
    lots = defaultdict(list)
    for state in listed:
        lots[by_id[state.id].lot_id].append(by_id[state.id])
    # All listed packages at once: the list can hold hundreds at ten times Essex's volume.
    states_save(
        stepped=[Stepped(by_id[st.id], st, made[st.id], []) for st in listed],
        offers=offers,
        now=now,
    )
    BatchingList.packages.through.objects.bulk_create(
        [
            BatchingList.packages.through(batchinglist=batching_list, package=by_id[st.id])
            for st in listed
        ]
    )
    in_force = ranked_lists_in_force(
        lots=list(Lot.objects.filter(pk__in=lots)), on=rules.calendar.local(now).date()
    )
    providers = {e.provider_id for listed_lot in in_force.values() for e in listed_lot.tier1}
    shown = _lines_record(batching_list=batching_list, lots=lots, in_force=in_force)
    notification_send(
        recipients=provider_users(providers=list(Provider.objects.filter(pk__in=providers))),
        event="sourcing.batching_list",
        subject=f"Batching List: {counted(len(listed), 'package')} to source",
        body=(
            "Tick the packages you can take and return the list by "
            f"{timezone.localtime(closes):%H:%M on %A %d %B}."
        ),
        url=reverse("sourcing:batching"),
        now=now,
    )
    audit_record(
        actor=actor,
        action="batching_list.issued",
        obj=batching_list,
        at=now,
        data={
            "packages": [p.reference for ps in lots.values() for p in ps],
            "closes_at": closes,
            "due_at": due_at or now,
            "round_fit_shown": shown,
        },
    )
    return batching_list


def _lines_record(
    *, batching_list: BatchingList, lots: dict[int, list[Package]], in_force: dict[int, Any]
) -> dict[str, list[str]]:
    """Each tier-1 provider's packages on the list, with whether its list shows round fit for
    them, kept as issued: the figures on the page move as clients come and go, but the close
    must know what the provider had in front of it (decision 0094). Returns, for the audit,
    the references shown with round fit by provider id."""
    wanted = {
        (e.provider_id, package)
        for lot_id, packages in lots.items()
        if lot_id in in_force
        for e in in_force[lot_id].tier1
        for package in packages
    }
    shown = round_fit_shown_many(
        provider_ids={provider_id for provider_id, _ in wanted},
        packages=[p for packages in lots.values() for p in packages],
    )
    lines = []
    shown_refs: dict[str, list[str]] = defaultdict(list)
    for provider_id, package in sorted(wanted, key=lambda w: (w[0], w[1].reference)):
        fit_shown = package.pk in shown[provider_id]
        lines.append(
            BatchingListLine(
                batching_list=batching_list,
                provider_id=provider_id,
                package=package,
                round_fit_shown=fit_shown,
            )
        )
        if fit_shown:
            shown_refs[str(provider_id)].append(package.reference)
    BatchingListLine.objects.bulk_create(lines)
    return dict(shown_refs)


@transaction.atomic
def batching_return_record(
    *,
    actor: User | None,
    batching_list: BatchingList,
    provider: Provider,
    interested: set[int],
    now: dt.datetime,
    source: str = "page",
) -> list[BatchingReturn]:
    """Record a provider's ticks. Packages not ticked are recorded as not interested."""
    if now >= batching_list.closes_at or batching_list.closed_at is not None:
        raise ValidationFailed(
            CLOSED.format(
                issued=timezone.localtime(batching_list.issued_at),
                closes=timezone.localtime(batching_list.closes_at),
            )
        )
    allowed = {
        p.pk: p for p in batching_packages_for(batching_list=batching_list, provider=provider)
    }
    unknown = interested - set(allowed)
    if unknown:
        raise NotFound("One or more ticked packages are not on your Batching List.")
    rows = []
    for package_id in allowed:
        row, _ = BatchingReturn.objects.update_or_create(
            batching_list=batching_list,
            provider=provider,
            package_id=package_id,
            defaults={
                "interested": package_id in interested,
                "returned_at": now,
                "returned_by": actor,
            },
        )
        rows.append(row)
    audit_record(
        actor=actor,
        action="batching_list.returned",
        obj=batching_list,
        at=now,
        data={
            "provider": provider.pk,
            "interested": sorted(allowed[i].reference for i in interested),
            "source": source,
        },
    )
    return rows


def _closer(interested: set[int], now: dt.datetime) -> Any:
    def step(state: Any, ranked: Any, rules: Any) -> Any:
        return decide.batching_close(
            state, interested=interested, ranked=ranked, now=now, rules=rules
        )

    return step


def batching_list_close(*, batching_list: BatchingList, now: dt.datetime) -> bool:
    """At the return deadline, offer each listed package to its best-ranked interested provider.

    False when the list was closed already: closing twice changes nothing.
    """
    with transaction.atomic():
        locked = BatchingList.objects.select_for_update().get(pk=batching_list.pk)
        if locked.closed_at is not None:
            return False
        run = timetable_run_claim(kind=StepKind.BATCHING_CLOSE, due_at=locked.closes_at, now=now)
        if run is None:
            return False
        run.batching_list = locked
        run.save(update_fields=["batching_list"])
        # Every listed package locked, its returns read and its step run together: one engine
        # step each as before, but the reads and the inserts are set-wise.
        packages = list(
            Package.objects.select_for_update()
            .select_related("lot__district")
            .filter(pk__in=locked.packages.filter(stage=Stage.BATCHING.value).values("pk"))
        )
        interested: dict[int, set[int]] = defaultdict(set)
        for package_id, provider_id in BatchingReturn.objects.filter(
            batching_list=locked, interested=True
        ).values_list("package_id", "provider_id"):
            interested[package_id].add(provider_id)
        run_steps_isolated(
            packages=packages,
            step_for=lambda package: _closer(interested[package.pk], now),
            now=now,
            action="batching_list.closed",
        )
        locked.closed_at = now
        locked.save(update_fields=["closed_at"])
        audit_record(
            actor=None,
            action="batching_list.closed",
            obj=locked,
            at=now,
            data={"due_at": locked.closes_at, "late": run.late},
        )
    return True


def batching_lists_close_due(*, now: dt.datetime) -> int:
    """Close every list whose returns are due, however long ago that was."""
    return sum(
        batching_list_close(batching_list=batching_list, now=now)
        for batching_list in batching_list_due_to_close(now=now)
    )
