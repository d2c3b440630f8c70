"""Receive a visit file, then judge it whole: rejected with every error, or stored whole."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import Organisation, User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.common.jobs import job_enqueue_on_commit
from caremarket.monitoring import config
from caremarket.monitoring.config import Thresholds
from caremarket.monitoring.ehm.kpis import KpiRow, kpi_count
from caremarket.monitoring.ehm.store import (
    INCOMING,
    store_discard,
    store_fetch,
    store_place,
    store_relpath,
    store_retire,
    store_share,
    store_temp_path,
    store_unshare,
)
from caremarket.monitoring.ehm.validation import FileContext, Validated, file_validate
from caremarket.monitoring.models import KpiResult, Submission
from caremarket.monitoring.selectors import (
    Branch,
    branch_list,
    submission_current,
    submission_find_duplicate,
    submission_replaced_same_content,
)
from caremarket.monitoring.services.flags import risk_flags_evaluate
from caremarket.notifications.services import notification_send

log = logging.getLogger(__name__)
# The queued job that checks a received file (monitoring.queue.process_submission).
PROCESS_SUBMISSION = "monitoring.process_submission"
ERROR_LIMIT = 10_000
NO_REFERENCE = (
    "Your organisation has no CQC provider ID on record, so its visit files cannot be checked."
    " Ask the council's Live at Home team to add it."
)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def submission_receive(
    *,
    actor: User,
    organisation: Organisation,
    chunks: Iterable[bytes],
    filename: str,
    size: int,
    now: dt.datetime,
) -> Submission:
    """Keep the uploaded file and queue its processing, or recognise content already received.

    The one way a visit file arrives (page, API, tests): the permission is asked here and the
    processing is queued when the submission is committed.
    """
    if not actor.has_perm("monitoring.upload_submission", organisation):
        raise NotPermitted("Only the provider's own staff can send its visit files.")
    if not organisation.reference:
        raise ValidationFailed({"file": [NO_REFERENCE]})
    limit = config.max_upload_bytes()
    if size > limit:
        raise ValidationFailed(
            {
                "file": [
                    f"{filename} is {_megabytes(size)}; the largest file accepted is "
                    f"{_megabytes(limit)}. Split nothing: check the file is one period's visits."
                ]
            }
        )
    root = config.store_dir()
    temp = store_temp_path(root=root, suffix=".csv.part")
    relative = f"{INCOMING}/{uuid.uuid4().hex}.csv"
    digest = hashlib.sha256()
    written = 0
    try:
        with temp.open("wb") as fh:
            for chunk in chunks:
                written += len(chunk)
                if written > limit:
                    raise ValidationFailed(
                        {"file": [f"{filename} is larger than {_megabytes(limit)}."]}
                    )
                digest.update(chunk)
                fh.write(chunk)
        return _record_upload(
            actor=actor,
            organisation=organisation,
            temp=temp,
            relative=relative,
            filename=filename[:255],
            size=written,
            sha256=digest.hexdigest(),
            now=now,
        )
    except Exception:
        store_discard(root / relative)  # the transaction failed after the file was kept
        raise
    finally:
        store_discard(temp)


@transaction.atomic
def _record_upload(
    *,
    actor: User | None,
    organisation: Organisation,
    temp: Path,
    relative: str,
    filename: str,
    size: int,
    sha256: str,
    now: dt.datetime,
) -> Submission:
    uploader = actor if getattr(actor, "is_authenticated", False) else None
    submission = Submission(
        organisation=organisation,
        uploaded_by=uploader,
        filename=filename,
        size_bytes=size,
        sha256=sha256,
        received_at=now,
    )
    earlier = submission_find_duplicate(organisation=organisation, sha256=sha256)
    if earlier is not None:
        submission.status = Submission.Status.DUPLICATE
        submission.duplicate_of = earlier
        submission.period = earlier.period
        submission.processed_at = now
        at = timezone.localtime(earlier.received_at)
        received = f"{earlier.filename}, received {at:%-d %B %Y %H:%M}"
        submission.message = (
            f"This file is already the current file for period {earlier.period}: it is identical"
            f" to submission {earlier.pk} ({received}). Nothing changed and it was not counted"
            " again."
            if earlier.is_current
            else f"This file is identical to submission {earlier.pk} ({received}), which is"
            " still being checked. It was not counted again."
        )
        submission.save()
        audit_record(
            actor=actor,
            action="ehm_submission.duplicate",
            obj=submission,
            at=now,
            data={"duplicate_of": earlier.pk, "sha256": sha256},
        )
        return submission
    submission.upload_path = relative
    submission.save()
    audit_record(
        actor=actor,
        action="ehm_submission.received",
        obj=submission,
        at=now,
        data={"filename": filename, "bytes": size, "sha256": sha256},
    )
    target = config.store_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, target)
    # The worker may be another machine: with object storage the file waits in the bucket.
    store_share(root=config.store_dir(), relpath=relative, shared=config.shared_store())
    job_enqueue_on_commit(PROCESS_SUBMISSION, submission.pk)
    return submission


def _context(
    organisation: Organisation, branches: dict[str, Branch], now: dt.datetime
) -> FileContext:
    check = config.service_user_check()
    return FileContext(
        provider_reference=organisation.reference,
        branches={b.location_id: b.district_code for b in branches.values()},
        anchor=config.period_anchor(),
        today=timezone.localdate(now),
        grace_days=config.grace_days(),
        unknown_service_users=(
            (lambda refs: set(check(organisation=organisation, references=refs))) if check else None
        ),
    )


def submission_process(*, submission_id: int, now: dt.datetime) -> Submission:
    """Judge the file whole. Rejected: every error kept, nothing stored. Accepted: stored whole."""
    claimed = Submission.objects.filter(pk=submission_id, status=Submission.Status.RECEIVED).update(
        status=Submission.Status.PROCESSING
    )
    submission = Submission.objects.select_related("organisation", "uploaded_by").get(
        pk=submission_id
    )
    if not claimed:
        return submission  # already processed (a retried task)
    root, shared = config.store_dir(), config.shared_store()
    uploaded = submission.upload_path
    upload = store_fetch(root=root, relpath=uploaded, shared=shared) if uploaded else None
    parquet: Path | None = None
    try:
        organisation = submission.organisation
        branches = branch_list(organisation=organisation)
        with duckdb.connect(config=config.duckdb_config()) as con:
            if upload is None or not upload.exists():
                raise FileNotFoundError(f"the uploaded file of submission {submission.pk} is gone")
            parquet = store_temp_path(root=root, suffix=".parquet.part")
            result = file_validate(
                con,
                path=upload,
                ctx=_context(organisation, branches, now),
                parquet=parquet,
                limit=ERROR_LIMIT,
            )
            if not result.ok:
                return _reject(submission=submission, result=result, now=now)
            kpis = kpi_count(con, thresholds=config.thresholds())
        return _accept(
            submission=submission,
            result=result,
            kpis=kpis,
            branches=branches,
            parquet=parquet,
            now=now,
        )
    except Exception:
        log.exception("EHM submission %s could not be processed", submission_id)
        return _fail(submission=submission, now=now)
    finally:
        store_discard(upload, parquet)
        store_unshare(relpath=uploaded, shared=shared)  # every outcome clears upload_path


def _tell_uploader(submission: Submission, *, subject: str, body: str, now: dt.datetime) -> None:
    notification_send(
        recipients=[submission.uploaded_by],
        event=f"ehm_submission.{submission.status}",
        subject=subject,
        body=body,
        url=reverse("monitoring:submission", args=[submission.pk]),
        now=now,
    )


@transaction.atomic
def _reject(*, submission: Submission, result: Validated, now: dt.datetime) -> Submission:
    submission.status = Submission.Status.REJECTED
    submission.processed_at = now
    submission.rows = result.rows
    submission.period = result.period.number if result.period else None
    submission.error_count = result.error_count
    submission.errors = [e.as_dict() for e in result.errors]
    shown = "" if result.error_count <= ERROR_LIMIT else f" (the first {ERROR_LIMIT:,} are listed)"
    submission.message = (
        f"The file was rejected with {result.error_count:,} error"
        f"{'s' if result.error_count != 1 else ''}{shown}. Nothing from it was stored: correct"
        " the file and send it again."
    )
    submission.upload_path = ""
    submission.save()
    audit_record(
        actor=None,
        action="ehm_submission.rejected",
        obj=submission,
        at=now,
        data={"errors": result.error_count, "rows": result.rows},
    )
    _tell_uploader(
        submission,
        subject=f"Visit file {submission.filename} rejected",
        body=submission.message,
        now=now,
    )
    return submission


def _fail(*, submission: Submission, now: dt.datetime) -> Submission:
    with transaction.atomic():
        Submission.objects.filter(pk=submission.pk).update(
            status=Submission.Status.FAILED,
            processed_at=now,
            upload_path="",
            is_current=False,
            message="The file could not be processed because of a fault on our side. Nothing"
            " from it was stored; please send it again later.",
        )
        submission.refresh_from_db()
        audit_record(actor=None, action="ehm_submission.failed", obj=submission, at=now)
    return submission


def _label(row: KpiRow, branches: dict[str, Branch], district_names: dict[str, str]) -> str:
    if row.scope == KpiResult.Scope.BRANCH:
        branch = branches.get(row.key)
        return branch.name if branch else row.key
    if row.scope == KpiResult.Scope.DISTRICT:
        return district_names.get(row.key, "Unknown district")
    return ""


def _accepted_message(result: Validated, previous: Submission | None) -> str:
    assert result.period is not None
    text = f"Accepted: {result.rows:,} visits for {result.period.label}."
    if result.warning_count:
        n = result.warning_count
        text = (
            f"Accepted with {n:,} warning{'s' if n != 1 else ''}: {result.rows:,} visits for"
            f" {result.period.label} are stored and counted. Check the rows listed: their times"
            " were read as stated, and the file's values are kept as sent."
        )
    return text + (f" It replaces submission {previous.pk}." if previous else "")


def _supersede(
    *, organisation: Organisation, period: int, by: Submission, now: dt.datetime
) -> Submission | None:
    """The current file for the period, if any, is replaced by `by`; it is returned."""
    previous = submission_current(organisation=organisation, period=period)
    if previous is not None:
        Submission.objects.filter(pk=previous.pk).update(is_current=False, superseded_by=by)
        audit_record(
            actor=None,
            action="ehm_submission.superseded",
            obj=previous,
            at=now,
            data={"superseded_by": by.pk},
        )
    return previous


def _mark_accepted(
    *,
    submission: Submission,
    result: Validated,
    previous: Submission | None,
    store_path: str,
    thresholds: Thresholds,
    now: dt.datetime,
) -> None:
    assert result.period is not None
    submission.status = (
        Submission.Status.ACCEPTED_WITH_WARNINGS
        if result.warning_count
        else Submission.Status.ACCEPTED
    )
    submission.processed_at = now
    submission.period = result.period.number
    submission.rows = result.rows
    submission.warning_count = result.warning_count
    submission.warnings = [w.as_dict() for w in result.warnings]
    submission.is_current = True
    submission.upload_path = ""
    submission.store_path = store_path
    submission.thresholds = thresholds.as_dict()
    submission.message = _accepted_message(result, previous)
    resent = submission_replaced_same_content(submission=submission)
    if resent is not None:
        submission.message += (
            f" It has the same content as submission {resent.pk} ({resent.filename}),"
            " which a later file had replaced: that content is the current file again."
        )
    submission.save()
    if resent is not None:
        audit_record(
            actor=None,
            action="ehm_submission.current_again",
            obj=submission,
            at=now,
            data={"same_content_as": resent.pk, "replaces": getattr(previous, "pk", None)},
        )


def _save_kpis(*, submission: Submission, kpis: list[KpiRow], branches: dict[str, Branch]) -> None:
    assert submission.period is not None
    organisation = submission.organisation
    period = submission.period
    names = {b.district_code: b.district_name for b in branches.values()}
    KpiResult.objects.bulk_create(
        [
            KpiResult(
                submission=submission,
                organisation=organisation,
                period=period,
                scope=row.scope,
                key=row.key,
                label=_label(row, branches, names),
                **row.counts,
            )
            for row in kpis
        ]
    )


def _accept(
    *,
    submission: Submission,
    result: Validated,
    kpis: list[KpiRow],
    branches: dict[str, Branch],
    parquet: Path,
    now: dt.datetime,
) -> Submission:
    assert result.period is not None
    organisation = submission.organisation
    period = result.period.number
    root = config.store_dir()
    relative = store_relpath(
        period=period, provider_reference=organisation.reference, submission_id=submission.pk
    )
    final: Path | None = None
    previous: Submission | None = None
    try:
        with transaction.atomic():
            previous = _supersede(organisation=organisation, period=period, by=submission, now=now)
            thresholds = config.thresholds()
            _mark_accepted(
                submission=submission,
                result=result,
                previous=previous,
                store_path=relative,
                thresholds=thresholds,
                now=now,
            )
            _save_kpis(submission=submission, kpis=kpis, branches=branches)
            audit_record(
                actor=None,
                action="ehm_submission.accepted",
                obj=submission,
                at=now,
                data={
                    "period": period,
                    "rows": result.rows,
                    "warnings": result.warning_count,
                    "replaces": getattr(previous, "pk", None),
                },
            )
            _tell_uploader(
                submission,
                subject=f"Visit file for period {period} accepted"
                + (" with warnings" if result.warning_count else ""),
                body=submission.message,
                now=now,
            )
            risk_flags_evaluate(
                organisation=organisation, period=period, thresholds=thresholds, now=now
            )
            # Last: the file appears only if everything above holds.
            final = store_place(temp=parquet, root=root, relpath=relative)
            store_share(root=root, relpath=relative, shared=config.shared_store())
    except Exception:
        store_discard(final)
        store_unshare(relpath=relative if final else "", shared=config.shared_store())
        raise
    if previous is not None and previous.store_path:
        retired = store_retire(root=root, relpath=previous.store_path, shared=config.shared_store())
        Submission.objects.filter(pk=previous.pk).update(store_path=retired)
    return submission
