from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from caremarket.accounts.models import User
from caremarket.common.errors import NotFound, NotPermitted
from caremarket.common.pagination import Pagination
from caremarket.core import selectors
from caremarket.core.models import DataImport
from caremarket.core.services import NOT_PERMITTED, data_import_receive

router = Router(tags=["Reference data"])


class SkippedRowOut(Schema):
    row: int | str
    column: str = ""
    reason: str


class CountOut(Schema):
    label: str
    count: int


class ReportOut(Schema):
    kind: str
    counts: list[CountOut]
    notes: list[str]
    skipped: list[SkippedRowOut]
    skipped_total: int


class DataImportOut(Schema):
    id: int
    filename: str
    kind: str
    source: str
    status: str
    message: str
    partial: bool
    size_bytes: int
    requested_at: dt.datetime
    finished_at: dt.datetime | None
    rows_read: int | None
    report: ReportOut | None

    @staticmethod
    def resolve_kind(run: DataImport) -> str:
        return run.cqc_import.kind if run.cqc_import else run.kind

    @staticmethod
    def resolve_rows_read(run: DataImport) -> int | None:
        if run.status in (DataImport.Status.QUEUED, DataImport.Status.RUNNING):
            return selectors.data_import_rows_read(run=run)
        return None

    @staticmethod
    def resolve_report(run: DataImport) -> dict[str, object] | None:
        report = selectors.data_import_report(run=run)
        if report is None:
            return None
        return {
            "kind": report.kind,
            "counts": [{"label": label, "count": count} for label, count in report.counts],
            "notes": report.notes,
            "skipped": report.skipped,
            "skipped_total": report.skipped_total,
        }


def _admin(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_perm("core.import_reference_data"):
        raise NotPermitted(NOT_PERMITTED)
    return user


@router.post(
    "/data-imports",
    response={202: DataImportOut},
    summary="Send a CQC or ONS file as published (multipart field 'file'); imported in the queue",
)
def data_import_create(
    request: HttpRequest, file: File[UploadedFile], partial: Form[bool] = False
) -> Status:
    user = _admin(request)
    run = data_import_receive(
        actor=user,
        chunks=file.chunks(),
        filename=file.name or "upload",
        partial=partial,
        source=DataImport.Source.API,
        now=timezone.now(),
    )
    run.refresh_from_db()
    return Status(202, run)


@router.get("/data-imports", response=list[DataImportOut], summary="Every reference-data import")
@paginate(Pagination)
def data_import_list(request: HttpRequest) -> object:
    _admin(request)
    return selectors.data_import_list()


@router.get("/data-imports/{run_id}", response=DataImportOut, summary="One import and its report")
def data_import_get(request: HttpRequest, run_id: int) -> DataImport:
    _admin(request)
    run = selectors.data_import_get(pk=run_id)
    if run is None:
        raise NotFound("There is no such import.")
    return run
