from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from caremarket.accounts.models import Organisation
from caremarket.accounts.selectors import current_user
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.common.pagination import Pagination
from caremarket.monitoring import selectors
from caremarket.monitoring.models import KpiResult, RiskFlag, Submission
from caremarket.monitoring.services.submissions import submission_receive

router = Router(tags=["Visit monitoring (EHM)"])
API_ERRORS_SHOWN = 100


class FileErrorOut(Schema):
    row: int | None
    column: str
    value: str
    rule: str


class SubmissionOut(Schema):
    id: int
    organisation_id: int
    filename: str
    size_bytes: int
    sha256: str
    status: str
    received_at: dt.datetime
    processed_at: dt.datetime | None
    period: int | None
    rows: int
    is_current: bool
    duplicate_of_id: int | None
    superseded_by_id: int | None
    message: str
    error_count: int
    warning_count: int
    url: str
    error_report_url: str | None
    warning_report_url: str | None


class SubmissionDetailOut(SubmissionOut):
    errors: list[FileErrorOut]
    # Rows of a file accepted with warnings, and how each was read.
    warnings: list[FileErrorOut]


class KpiOut(Schema):
    organisation_id: int
    period: int
    scope: str
    key: str
    label: str
    visits_total: int
    visits_due: int
    visits_missed: int
    visits_delivered: int
    on_time: int
    late: int
    short_visits: int
    logged_at_home: int
    service_users: int
    carer_assignments: int
    commissioned_minutes: int
    delivered_minutes: int
    rates: dict[str, float | None]


class FlagOut(Schema):
    id: int
    organisation_id: int
    period: int
    kind: str
    value: float | None
    threshold: float | None
    detail: str
    raised_at: dt.datetime
    cleared_at: dt.datetime | None


def _out(s: Submission, *, detail: bool = False) -> dict[str, object]:
    data: dict[str, object] = {
        **{f: getattr(s, f) for f in SubmissionOut.model_fields if hasattr(s, f)},
        "url": reverse("monitoring:submission", args=[s.pk]),
        "error_report_url": reverse("monitoring:error-report", args=[s.pk])
        if s.error_count
        else None,
        "warning_report_url": reverse("monitoring:warning-report", args=[s.pk])
        if s.warning_count
        else None,
    }
    if detail:
        data["errors"] = s.errors[:API_ERRORS_SHOWN]
        data["warnings"] = s.warnings[:API_ERRORS_SHOWN]
    return data


@router.post(
    "/ehm/submissions",
    response={202: SubmissionOut},
    summary="Send a four-weekly visit file (CSV, multipart field 'file')",
)
def submission_create(request: HttpRequest, file: File[UploadedFile]) -> Status:
    user = current_user(request)
    submission = submission_receive(
        actor=user,
        organisation=user.organisation,
        chunks=file.chunks(),
        filename=file.name or "upload.csv",
        size=file.size or 0,
        now=timezone.now(),
    )
    return Status(202, _out(submission))


@router.get("/ehm/submissions", response=list[SubmissionOut], summary="Visit files you may see")
@paginate(Pagination)
def submission_list(request: HttpRequest, organisation_id: int | None = None) -> object:
    user = current_user(request)
    if not user.has_perm("monitoring.view_monitoring"):
        raise NotPermitted("Visit monitoring is for home care providers and contract managers.")
    qs = selectors.submission_list(viewer=user)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return [_out(s) for s in qs]


@router.get(
    "/ehm/submissions/{submission_id}",
    response=SubmissionDetailOut,
    summary="A visit file: status, counts and errors",
)
def submission_get(request: HttpRequest, submission_id: int) -> dict[str, object]:
    submission = get_object_or_404(Submission, pk=submission_id)
    if not request.user.has_perm("monitoring.view_submission", submission):
        raise Http404
    return _out(submission, detail=True)


@router.get(
    "/ehm/providers/{organisation_id}/kpis",
    response=list[KpiOut],
    summary="A provider's KPI results per period (provider, branch and district)",
)
def provider_kpis(
    request: HttpRequest, organisation_id: int, period: int | None = None, scope: str = "provider"
) -> list[KpiResult]:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not request.user.has_perm("monitoring.view_provider_kpis", organisation):
        raise Http404
    qs = KpiResult.objects.filter(
        organisation=organisation, scope=scope, submission__is_current=True
    ).order_by("period", "key")
    if period is not None:
        qs = qs.filter(period=period)
    return list(qs)


@router.get("/ehm/flags", response=list[FlagOut], summary="Risk flags (contract managers)")
@paginate(Pagination)
def flag_list(
    request: HttpRequest,
    active_only: bool = True,
    organisation_id: int | None = None,
    kind: str = "",
    period: int | None = None,
) -> list[RiskFlag]:
    if not request.user.has_perm("monitoring.view_flags"):
        raise NotPermitted("Risk flags are for the council's contract managers.")
    if kind and kind not in RiskFlag.Kind.values:
        raise ValidationFailed(
            {"kind": [f"Not a kind of flag: use one of {', '.join(RiskFlag.Kind.values)}."]}
        )
    return list(
        selectors.flag_list(
            active_only=active_only,
            organisation_id=organisation_id,
            kind=kind,
            period=period,
        )
    )
