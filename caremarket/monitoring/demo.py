"""Twelve four-week periods of visits for two home care providers, through the real services.

Brightpath (the demo sign-ins) is a steady provider with a little lateness, some short visits
and the odd missed visit; Riverside slips period after period and misses one file, so the
contract manager's overview has risk flags to show.
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
from caremarket.monitoring.models import Submission
from caremarket.monitoring.periods import Period, periods_ended
from caremarket.monitoring.selectors import branch_list
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
        actor=None, name=name, kind=OrganisationKind.HOME_CARE_PROVIDER, reference=reference
    )
    user = User.objects.filter(email=email).first() or user_create(
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
    flags = risk_flags_check_missing(now=now, anchor=anchor, grace_days=grace)
    return [
        f"{visits:,} visits in {Submission.objects.count()} files over {len(periods)} periods"
        f" for 2 home care providers; {len(flags)} missing-file flag(s)."
    ]
