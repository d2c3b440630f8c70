"""Twelve four-week periods of visits for two home care providers, through the real services.

Brightpath (the demo sign-ins) is a steady provider with a little lateness, some short visits
and the odd missed visit; Riverside slips period after period and misses one file, so the
contract manager's overview has risk flags to show.

The other providers that owe files send them too (decision 0035), as real providers mostly do,
so the risk-flag list has a realistic handful of missing files rather than one per provider
and period. Their figures are healthy and loaded in bulk (no stored visits: their files were
not worth generating and checking for a demo); three of them miss files, one three in a row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass

from django.utils import timezone

from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
from caremarket.accounts.services import organisation_create, user_create
from caremarket.cqc.models import CqcLocation
from caremarket.cqc.services import DIRECTORY_COLUMNS, cqc_directory_import
from caremarket.monitoring import config
from caremarket.monitoring.ehm.spec import COLUMN_NAMES
from caremarket.monitoring.models import KpiResult, Submission
from caremarket.monitoring.periods import Period, periods_ended
from caremarket.monitoring.selectors import branch_list, provider_list_expected
from caremarket.monitoring.services.flags import risk_flags_check_missing
from caremarket.monitoring.services.submissions import submission_process, submission_receive

BRIGHTPATH = ("Brightpath Home Care Ltd", "1-000000002", "coordinator@brightpath.example")
RIVERSIDE = ("Riverside Home Care Ltd", "1-000000003", "office@riverside.example")
BRANCHES = {
    "1-000000002": [
        ("1-102000001", "Brightpath Chelmsford", "CM1 1BP"),
        ("1-102000002", "Brightpath Colchester", "CO1 1BP"),
        ("1-102000003", "Brightpath Basildon", "SS14 1BP"),
    ],
    "1-000000003": [
        ("1-103000001", "Riverside Harlow", "CM20 1RS"),
        ("1-103000002", "Riverside Braintree", "CM7 1RS"),
    ],
}
PERIODS = 12
PEOPLE_PER_BRANCH = 14
VISIT_TIMES = ((8, 0, 45), (12, 30, 30), (17, 0, 30), (20, 30, 30))


@dataclass(frozen=True)
class Quality:
    late: float  # chance a visit starts 30 to 90 minutes late
    missed: float
    short: float


def _branches_ensure(provider_ref: str, provider_name: str, now: dt.datetime) -> None:
    if CqcLocation.objects.filter(provider_id=provider_ref).exists():
        return
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(DIRECTORY_COLUMNS)
    for location_id, name, postcode in BRANCHES[provider_ref]:
        row = dict.fromkeys(DIRECTORY_COLUMNS, "")
        row.update(
            {
                "Name": name,
                "Postcode": postcode,
                "Service types": "Homecare agencies",
                "Provider name": provider_name,
                "Local authority": "Essex",
                "CQC Location ID (for office use only)": location_id,
                "CQC Provider ID (for office use only)": provider_ref,
            }
        )
        writer.writerow(row.values())
    cqc_directory_import(data=out.getvalue().encode(), filename="demo-branches.csv", now=now)


def _provider(name: str, reference: str, email: str) -> tuple[Organisation, User]:
    org = Organisation.objects.filter(
        kind=OrganisationKind.HOME_CARE_PROVIDER, name=name
    ).first() or organisation_create(
        now=timezone.now(),
        actor=None,
        name=name,
        kind=OrganisationKind.HOME_CARE_PROVIDER,
        reference=reference,
    )
    user = User.objects.filter(email=email).first() or user_create(
        now=timezone.now(),
        actor=None,
        organisation=org,
        email=email,
        full_name="Sam Office",
        role=Role.PROVIDER_USER,
        send_invitation=False,
    )
    return org, user


def _stamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _file_identity(org: Organisation, reference: str, now: dt.datetime) -> tuple[str, list[str]]:
    """The provider reference and branches its files must carry to pass validation: a
    framework provider's agreement branches (branch_list), else its own CQC locations."""
    branches = list(branch_list(organisation=org))
    if not branches:
        _branches_ensure(reference, org.name, now)
        branches = list(branch_list(organisation=org))
    return org.reference or reference, branches


def _visit_rows(
    *,
    rng: random.Random,
    period: Period,
    provider_ref: str,
    branches: list[str],
    quality: Quality,
) -> list[list[str]]:
    rows: list[list[str]] = []
    for b, location_id in enumerate(branches):
        carers = [f"C{b}{n:02d}" for n in range(8)]
        for p in range(PEOPLE_PER_BRANCH):
            person = f"P{provider_ref[-1]}{b}{p:03d}"
            regulars = rng.sample(carers, 3)
            times = VISIT_TIMES[: 2 + p % 3]
            critical = p % 5 == 0
            for d in range(28):
                day = dt.datetime.combine(period.start + dt.timedelta(days=d), dt.time())
                for hour, minute, length in times:
                    start = day + dt.timedelta(hours=hour, minutes=minute)
                    end = start + dt.timedelta(minutes=length)
                    roll = rng.random()
                    status, exception = "DELIVERED", ""
                    if roll < 0.015:
                        status, exception = "CANCELLED", "HOSPITAL"
                    elif roll < 0.015 + quality.missed:
                        status = "MISSED"
                    elif roll < 0.02 + quality.missed:
                        status, exception = "FRUSTRATED", "NO_ACCESS"
                    carer = rng.choice(regulars) if rng.random() < 0.85 else rng.choice(carers)
                    check_in = check_out = method = ""
                    if status in ("DELIVERED", "FRUSTRATED"):
                        offset = rng.gauss(4, 9)
                        if rng.random() < quality.late:
                            offset = rng.uniform(31, 90)
                            exception = exception or "CARER_DELAYED"
                        arrive = start + dt.timedelta(minutes=round(offset))
                        check_in = _stamp(arrive)
                        method = "MANUAL" if rng.random() < 0.08 else "APP"
                    if status == "DELIVERED":
                        share = 0.6 if rng.random() < quality.short else rng.uniform(1.0, 1.15)
                        check_out = _stamp(arrive + dt.timedelta(minutes=max(5, length * share)))
                    rows.append(
                        [
                            provider_ref,
                            location_id,
                            period.start.isoformat(),
                            f"{person}-{len(rows):06d}",
                            person,
                            carer if status != "CANCELLED" else "",
                            "PC",
                            "Y" if critical else "N",
                            _stamp(start),
                            _stamp(end),
                            check_in,
                            check_out,
                            method,
                            "1",
                            status,
                            exception,
                        ]
                    )
    return rows


def _send(
    *, user: User, org: Organisation, period: Period, rows: list[list[str]], now: dt.datetime
) -> Submission:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerows(rows)
    data = out.getvalue().encode()
    submission = submission_receive(
        actor=user,
        organisation=org,
        chunks=[data],
        filename=f"ehm-{org.reference}-P{period.number}.csv",
        size=len(data),
        now=now,
    )
    return submission_process(submission_id=submission.pk, now=now)


def _healthy_counts(rng: random.Random) -> dict[str, int]:
    due = rng.randint(900, 2600)
    missed = rng.randint(0, due // 400)
    delivered = due - missed - rng.randint(0, 5)
    on_time = round(delivered * rng.uniform(0.9, 0.97))
    late = round((delivered - on_time) * 0.7)
    critical = delivered // 5
    minutes = due * 40
    return {
        "visits_total": due + due // 60,
        "visits_cancelled": due // 60,
        "visits_due": due,
        "visits_missed": missed,
        "visits_frustrated": due - missed - delivered,
        "visits_delivered": delivered,
        "on_time": on_time,
        "late": late,
        "early": delivered - on_time - late,
        "time_critical_delivered": critical,
        "time_critical_on_time": round(critical * 0.95),
        "short_visits": round(delivered * rng.uniform(0.01, 0.06)),
        "logged_at_home": round(delivered * rng.uniform(0.88, 0.97)),
        "service_users": due // 90,
        "carer_assignments": due // 90 * 3,
        "commissioned_minutes": minutes,
        "delivered_minutes": round(minutes * rng.uniform(0.93, 1.0)),
    }


def _others_send(*, rng: random.Random, periods: list[Period], skip: set[str]) -> int:
    """Bulk-load accepted files of the other providers that owe them, but for a few misses."""
    expected = {p.number: list(provider_list_expected(period=p)) for p in periods}
    # Providers whose files went through the services above keep them.
    sent = set(Submission.objects.filter(is_current=True).values_list("organisation_id", "period"))
    skip_pks = {pk for pk, _ in sent}
    everyone = sorted(
        {
            o
            for orgs in expected.values()
            for o in orgs
            if o.reference not in skip and o.pk not in skip_pks
        },
        key=lambda o: o.name,
    )
    last = [p.number for p in periods]
    misses = {}
    if len(everyone) >= 3 and len(last) >= 6:
        misses = {
            everyone[0].pk: set(last[-3:]),  # has stopped sending
            everyone[len(everyone) // 2].pk: {last[-5]},
            everyone[-1].pk: {last[-2]},
        }
    files = []
    for period in periods:
        sent_at = timezone.make_aware(
            dt.datetime.combine(period.end + dt.timedelta(days=4), dt.time(9))
        )
        for org in expected[period.number]:
            if org.reference in skip or org.pk in skip_pks:
                continue
            if period.number in misses.get(org.pk, ()):
                continue
            files.append((org, period, sent_at, _healthy_counts(rng)))
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                organisation=org,
                filename=f"ehm-{org.reference}-P{period.number}.csv",
                size_bytes=0,
                sha256=f"{org.pk:032x}{period.number:032x}",
                received_at=sent_at,
                processed_at=sent_at,
                status=Submission.Status.ACCEPTED,
                period=period.number,
                rows=counts["visits_total"],
                is_current=True,
                thresholds=config.thresholds().as_dict(),
                message="Demo data: this provider's figures were loaded directly, without a"
                " stored file.",
            )
            for org, period, sent_at, counts in files
        ]
    )
    KpiResult.objects.bulk_create(
        [
            KpiResult(
                submission=submission,
                organisation=org,
                period=period.number,
                scope=KpiResult.Scope.PROVIDER,
                key="",
                **counts,
            )
            for submission, (org, period, _, counts) in zip(submissions, files, strict=True)
        ]
    )
    return len(submissions)


def load(*, rng: random.Random, now: dt.datetime, **_: object) -> list[str]:
    if Submission.objects.exists():
        return ["Visit files already loaded."]
    anchor, grace = config.period_anchor(), config.grace_days()
    periods = periods_ended(today=timezone.localdate(now), anchor=anchor, grace_days=grace)
    periods = [p for p in periods if p.due < timezone.localdate(now)][-PERIODS:]
    visits = 0
    for (name, reference, email), quality_of in (
        (BRIGHTPATH, lambda i: Quality(late=0.03, missed=0.002, short=0.04)),
        (RIVERSIDE, lambda i: Quality(late=0.02 + 0.012 * i, missed=0.001 * i, short=0.05)),
    ):
        org, user = _provider(name, reference, email)
        provider_ref, branches = _file_identity(org, reference, now)
        for i, period in enumerate(periods):
            if reference == RIVERSIDE[1] and i == len(periods) - 4:
                continue  # Riverside never sent this period's file
            sent_at = timezone.make_aware(
                dt.datetime.combine(period.end + dt.timedelta(days=3), dt.time(10))
            )
            rows = _visit_rows(
                rng=rng,
                period=period,
                provider_ref=provider_ref,
                branches=branches,
                quality=quality_of(i),
            )
            submission = _send(user=user, org=org, period=period, rows=rows, now=sent_at)
            visits += submission.rows
    owed = [
        p
        for p in periods_ended(today=timezone.localdate(now), anchor=anchor, grace_days=grace)
        if p.number != 1 and p.due < timezone.localdate(now)
    ]
    others = _others_send(rng=rng, periods=owed, skip={BRIGHTPATH[1], RIVERSIDE[1]})
    flags = risk_flags_check_missing(now=now, anchor=anchor, grace_days=grace)
    return [
        f"{visits:,} visits in {Submission.objects.count() - others} files over {len(periods)}"
        f" periods for 2 home care providers; {others} other providers' files loaded in bulk;"
        f" {len(flags)} missing-file flag(s)."
    ]
