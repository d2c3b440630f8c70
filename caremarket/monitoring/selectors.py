from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from django.db.models import Q, QuerySet

from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
from caremarket.common.errors import DomainError
from caremarket.cqc.models import CqcLocation
from caremarket.framework.models import Provider, RankedListEntry, RegistrationStatus, Tier
from caremarket.framework.selectors.ranked_lists import ranked_list_version_in_force
from caremarket.geography.models import District
from caremarket.geography.selectors import postcode_locate
from caremarket.monitoring import config
from caremarket.monitoring.ehm.kpis import COUNTS, kpi_rates, kpi_sum
from caremarket.monitoring.models import KpiResult, RiskFlag, Submission
from caremarket.monitoring.periods import Period, period_get, periods_ended


@dataclass(frozen=True)
class Branch:
    location_id: str
    name: str
    postcode: str
    district_code: str  # "" when the postcode cannot be placed
    district_name: str


def branch_list(*, organisation: Organisation) -> dict[str, Branch]:
    """The branches a provider may report visits for, by CQC location ID.

    A framework provider reports for the registered branches listed in its agreement; any
    other home care provider (spot) for its registered CQC locations.
    """
    provider = Provider.objects.filter(organisation=organisation).first()
    if provider is not None:
        listed = provider.branches.select_related("district").filter(
            listed_in_agreement=True, registration_status=RegistrationStatus.REGISTERED
        )
        return {
            b.cqc_location_id: Branch(
                location_id=b.cqc_location_id,
                name=b.name,
                postcode=b.postcode,
                district_code=b.district.code if b.district else "",
                district_name=b.district.name if b.district else "Unknown district",
            )
            for b in listed.order_by("name")
        }
    if not organisation.reference:
        return {}
    locations = CqcLocation.objects.filter(
        provider_id=organisation.reference, registered=True
    ).order_by("name")
    branches = {}
    for loc in locations:
        district: District | None = None
        if loc.postcode:
            try:
                district = postcode_locate(postcode=loc.postcode).district
            except DomainError:  # an unplaceable postcode: the district stays unknown
                district = None
        branches[loc.location_id] = Branch(
            location_id=loc.location_id,
            name=loc.name,
            postcode=loc.postcode,
            district_code=district.code if district else "",
            district_name=district.name if district else "Unknown district",
        )
    return branches


def provider_list_expected(*, period: Period) -> QuerySet[Organisation]:
    """Home care providers that must send a file for the period (decision 35).

    Framework providers on tier 1 of the ranked lists in force when the period starts, then
    tier 2, then other providers, each from the date the council set for them.
    """
    starts = config.submissions_from()

    def required(kind: str) -> bool:
        start = starts[kind]
        return start is not None and period.due >= start

    on_framework = Provider.objects.filter(joined_on__lte=period.start).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=period.start)
    )
    framework = set(on_framework.values_list("organisation_id", flat=True))
    version = ranked_list_version_in_force(on=period.start)
    tier1 = (
        set(
            RankedListEntry.objects.filter(
                version=version, tier=Tier.ONE, provider__in=on_framework
            ).values_list("provider__organisation_id", flat=True)
        )
        if version is not None
        else set()
    )
    wanted: set[int] = set()
    if required("tier1"):
        wanted |= tier1
    if required("tier2"):
        wanted |= framework - tier1
    expected = Q(pk__in=wanted)
    if required("other"):
        # Outside the framework only a CQC-registered provider can send a valid file.
        expected |= ~Q(pk__in=framework) & ~Q(reference="")
    return Organisation.objects.filter(
        expected, kind=OrganisationKind.HOME_CARE_PROVIDER, is_active=True
    )


def contract_manager_list() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, role__in=[Role.CONTRACT_MANAGER, Role.COUNCIL_ADMIN]
    ).order_by("pk")


def submission_list(
    *, viewer: User, organisation: Organisation | None = None
) -> QuerySet[Submission]:
    qs = Submission.objects.select_related("organisation", "uploaded_by")
    if not viewer.has_perm("monitoring.view_overview"):
        qs = qs.filter(organisation_id=viewer.organisation_id)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs


def submission_find_duplicate(*, organisation: Organisation, sha256: str) -> Submission | None:
    """An upload of the same content that counts now (the current file) or is being checked.

    A replaced file's content is not a duplicate: sending it again makes it current again.
    """
    in_flight = (Submission.Status.RECEIVED, Submission.Status.PROCESSING)
    return (
        Submission.objects.filter(organisation=organisation, sha256=sha256)
        .filter(Q(is_current=True) | Q(status__in=in_flight))
        .order_by("pk")
        .first()
    )


def submission_replaced_same_content(*, submission: Submission) -> Submission | None:
    """The latest earlier submission with this content that a later file replaced."""
    return (
        Submission.objects.filter(
            organisation_id=submission.organisation_id,
            sha256=submission.sha256,
            superseded_by__isnull=False,
        )
        .exclude(pk=submission.pk)
        .order_by("-pk")
        .first()
    )


def submission_current(*, organisation: Organisation, period: int) -> Submission | None:
    return Submission.objects.filter(
        organisation=organisation, period=period, is_current=True
    ).first()


def kpi_series(
    *, organisation: Organisation, scope: str = KpiResult.Scope.PROVIDER, key: str = ""
) -> list[KpiResult]:
    """One result per period from the provider's current submissions, oldest first."""
    return list(
        KpiResult.objects.filter(
            organisation=organisation, scope=scope, key=key, submission__is_current=True
        ).order_by("period")
    )


def kpi_breakdown(*, organisation: Organisation, period: int, scope: str) -> list[KpiResult]:
    return list(
        KpiResult.objects.filter(
            organisation=organisation, period=period, scope=scope, submission__is_current=True
        ).order_by("label", "key")
    )


def kpi_periods() -> list[int]:
    return sorted(
        set(KpiResult.objects.filter(submission__is_current=True).values_list("period", flat=True))
    )


@dataclass
class OverviewRow:
    organisation: Organisation
    counts: dict[str, int] | None
    compliance: str
    flags: list[RiskFlag] = field(default_factory=list)

    @property
    def rates(self) -> dict[str, float | None]:
        return kpi_rates(self.counts) if self.counts else {}


def kpi_overview(*, period: Period, today: dt.date, district: str = "") -> list[OverviewRow]:
    """Every expected provider's figures for a period (one district's share when given)."""
    scope = (
        Q(scope=KpiResult.Scope.DISTRICT, key=district)
        if district
        else Q(scope=KpiResult.Scope.PROVIDER)
    )
    results = {
        r.organisation_id: r
        for r in KpiResult.objects.filter(scope, period=period.number, submission__is_current=True)
    }
    flags: dict[int, list[RiskFlag]] = {}
    for flag in RiskFlag.objects.filter(period=period.number, cleared_at__isnull=True):
        flags.setdefault(flag.organisation_id, []).append(flag)
    submitted = set(
        Submission.objects.filter(period=period.number, is_current=True).values_list(
            "organisation_id", flat=True
        )
    )
    rows = []
    expected = set(provider_list_expected(period=period).values_list("pk", flat=True))
    # Providers not required to yet still appear once they send a file.
    listed = Organisation.objects.filter(pk__in=expected | submitted)
    for org in listed.order_by("name"):
        result = results.get(org.pk)
        if district and result is None:
            continue
        rows.append(
            OverviewRow(
                organisation=org,
                counts={n: getattr(result, n) for n in COUNTS} if result else None,
                compliance=compliance_state(
                    period=period,
                    submitted=org.pk in submitted,
                    today=today,
                    required=org.pk in expected,
                ),
                flags=flags.get(org.pk, []),
            )
        )
    return rows


SUBMITTED, DEEMED, MISSING, DUE, NOT_REQUIRED = (
    "submitted",
    "deemed",
    "missing",
    "due",
    "not_required",
)


def compliance_state(
    *, period: Period, submitted: bool, today: dt.date, required: bool = True
) -> str:
    """Submitted; deemed submitted (the first period); not required of this provider yet;
    missing (past its due date); or due."""
    if submitted:
        return SUBMITTED
    if period.number == 1:
        return DEEMED
    if not required:
        return NOT_REQUIRED
    return MISSING if today > period.due else DUE


def compliance_list(
    *, organisation: Organisation, today: dt.date, anchor: dt.date, grace_days: int
) -> list[tuple[Period, str]]:
    submitted = set(
        Submission.objects.filter(organisation=organisation, is_current=True).values_list(
            "period", flat=True
        )
    )
    return [
        (
            p,
            compliance_state(
                period=p,
                submitted=p.number in submitted,
                today=today,
                required=provider_list_expected(period=p).filter(pk=organisation.pk).exists(),
            ),
        )
        for p in periods_ended(today=today, anchor=anchor, grace_days=grace_days)
    ]


def county_series(*, district: str = "") -> list[tuple[int, dict[str, int]]]:
    """All providers' counts added up per period (one district's when given)."""
    scope = (
        Q(scope=KpiResult.Scope.DISTRICT, key=district)
        if district
        else Q(scope=KpiResult.Scope.PROVIDER)
    )
    by_period: dict[int, list[dict[str, Any]]] = {}
    for row in KpiResult.objects.filter(scope, submission__is_current=True).values(
        "period", *COUNTS
    ):
        by_period.setdefault(row["period"], []).append(row)
    return [(p, kpi_sum(rows)) for p, rows in sorted(by_period.items())]


def flag_list(
    *,
    active_only: bool = True,
    organisation: Organisation | None = None,
    organisation_id: int | None = None,
    kind: str = "",
    period: int | None = None,
) -> QuerySet[RiskFlag]:
    qs = RiskFlag.objects.select_related("organisation")
    if active_only:
        qs = qs.filter(cleared_at__isnull=True)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if kind:
        qs = qs.filter(kind=kind)
    if period is not None:
        qs = qs.filter(period=period)
    return qs


@dataclass(frozen=True)
class FlagRow:
    """One line of the risk-flag list: a flag, or a provider's run of missing files."""

    organisation: Organisation
    kind: str
    kind_label: str
    first_period: int
    last_period: int
    count: int
    detail: str
    raised_at: dt.datetime
    cleared_at: dt.datetime | None  # None while any flag of the line is active


def flag_rows(flags: Iterable[RiskFlag]) -> list[FlagRow]:
    """Flags as lines, missing-file flags grouped per provider (count, first and last period).

    A provider that has not sent a file for months has one line saying so, not one a period;
    active and cleared missing-file flags are grouped apart.
    """
    rows: list[FlagRow] = []
    missing: dict[tuple[int, bool], list[RiskFlag]] = {}
    for flag in flags:
        if flag.kind == RiskFlag.Kind.MISSING_SUBMISSION:
            missing.setdefault((flag.organisation_id, flag.cleared_at is None), []).append(flag)
            continue
        rows.append(
            FlagRow(
                flag.organisation,
                flag.kind,
                flag.get_kind_display(),
                flag.period,
                flag.period,
                1,
                flag.detail,
                flag.raised_at,
                flag.cleared_at,
            )
        )
    for group in missing.values():
        periods = sorted(f.period for f in group)
        latest = max(group, key=lambda f: f.period)
        detail = (
            latest.detail
            if len(group) == 1
            else f"No visit file for {len(group)} periods, P{periods[0]} to P{periods[-1]}"
            + ("" if periods[-1] - periods[0] + 1 == len(group) else " (not all in a row)")
            + f"; the latest was due by {_due(latest.period):%-d %B %Y}"
        )
        rows.append(
            FlagRow(
                latest.organisation,
                latest.kind,
                latest.get_kind_display(),
                periods[0],
                periods[-1],
                len(group),
                detail,
                max(f.raised_at for f in group),
                None
                if latest.cleared_at is None
                else max(f.cleared_at for f in group if f.cleared_at is not None),
            )
        )
    rows.sort(key=lambda r: (-r.last_period, r.organisation.name, r.kind))
    return rows


def _due(number: int) -> dt.date:
    return period_get(number, anchor=config.period_anchor(), grace_days=config.grace_days()).due


def flag_providers() -> list[tuple[int, str]]:
    """Providers that have ever been flagged, for the list's filter."""
    return list(
        Organisation.objects.filter(pk__in=RiskFlag.objects.values("organisation_id").distinct())
        .order_by("name")
        .values_list("pk", "name")
    )


def district_choices() -> list[tuple[str, str]]:
    codes = set(
        KpiResult.objects.filter(scope=KpiResult.Scope.DISTRICT).values_list("key", flat=True)
    )
    names = dict(District.objects.filter(code__in=codes).values_list("code", "name"))
    return sorted(((c, names.get(c, "Unknown district")) for c in codes), key=lambda x: x[1])


def visit_punctuality_by_hour(
    *, parquet: Path, branch: str, window_minutes: int
) -> list[tuple[int, int, int]]:
    """(hour of planned start, delivered visits, late visits) for one branch, from the store."""
    if not parquet.exists():
        return []
    with duckdb.connect() as con:
        schema = con.execute("SELECT name FROM parquet_schema(?)", [str(parquet)]).fetchall()
        names = {r[0] for r in schema}
        # Files stored before decision 0036 have no offsets: their times were read as given.
        ps, ci = (
            ("planned_start_utc_offset", "check_in_utc_offset")
            if "check_in_utc_offset" in names
            else ("0", "0")
        )
        sql = (
            "SELECT hour(planned_start) AS h, count(*) AS n,"  # noqa: S608 (two fixed names)
            f" count(*) FILTER (date_diff('minute', planned_start - to_minutes({ps}),"
            f" check_in - to_minutes({ci})) > ?) AS late"
            " FROM read_parquet(?, hive_partitioning = true)"
            " WHERE branch_reference = ? AND visit_status = 'DELIVERED'"
            " GROUP BY h ORDER BY h"
        )
        rows = con.execute(
            sql,
            [window_minutes, str(parquet), branch],
        ).fetchall()
    return [(int(h), int(n), int(late)) for h, n, late in rows]
