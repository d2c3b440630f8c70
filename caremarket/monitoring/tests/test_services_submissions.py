"""History kept, the same content not counted twice, a corrected file replacing the last."""

import datetime as dt

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotPermitted
from caremarket.monitoring import selectors
from caremarket.monitoring.models import KpiResult, Submission
from caremarket.monitoring.tests.conftest import NOW, csv_bytes, visit

LATE = visit(actual_check_in="2026-01-06 09:00", actual_check_out="2026-01-06 09:50")


def test_the_same_content_again_is_recognised_and_not_counted_twice(ehm):
    first = ehm.send(csv_bytes([visit(), visit()]))
    again = ehm.send(csv_bytes([visit(), visit()]), filename="copy.csv")
    assert again.status == Submission.Status.DUPLICATE and again.duplicate_of_id == first.pk
    assert "identical to submission" in again.message
    assert KpiResult.objects.filter(scope="provider").count() == 1
    series = selectors.kpi_series(organisation=ehm.provider)
    assert [r.visits_total for r in series] == [2]


def test_a_corrected_file_replaces_the_previous_one_for_the_period(ehm):
    first = ehm.send(csv_bytes([visit(), visit()]))
    corrected = ehm.send(csv_bytes([visit(), visit(), LATE]))
    first.refresh_from_db()
    assert corrected.is_current and not first.is_current
    assert first.superseded_by_id == corrected.pk
    assert "replaces submission" in corrected.message
    series = selectors.kpi_series(organisation=ehm.provider)
    assert [(r.period, r.visits_total, r.late) for r in series] == [(3, 3, 1)]


def test_the_replaced_file_moves_out_of_the_live_folders_and_history_is_kept(ehm):
    first = ehm.send(csv_bytes([visit()]))
    corrected = ehm.send(csv_bytes([visit(), LATE]))
    first.refresh_from_db()
    assert ehm.stored_files() == sorted(
        [
            f"superseded/period=3/provider=1-000000009/submission-{first.pk}.parquet",
            f"visits/period=3/provider=1-000000009/submission-{corrected.pk}.parquet",
        ]
    )
    assert first.store_path.startswith("superseded/")
    assert Submission.objects.filter(organisation=ehm.provider).count() == 2


def test_a_rejected_file_leaves_the_current_submission_in_place(ehm):
    first = ehm.send(csv_bytes([visit()]))
    bad = ehm.send(csv_bytes([visit(visit_status="??")]))
    first.refresh_from_db()
    assert bad.status == "rejected" and first.is_current


def test_resending_a_rejected_file_checks_it_again(ehm):
    data = csv_bytes([visit(visit_status="??")])
    ehm.send(data)
    assert ehm.send(data).status == "rejected"


def test_each_step_is_audited(ehm):
    first = ehm.send(csv_bytes([visit()]))
    ehm.send(csv_bytes([visit(), LATE]))
    actions = set(
        AuditEvent.objects.filter(object_type="monitoring.submission").values_list(
            "action", flat=True
        )
    )
    assert {
        "ehm_submission.received",
        "ehm_submission.accepted",
        "ehm_submission.superseded",
    } <= actions
    assert AuditEvent.objects.filter(object_id=str(first.pk), action="ehm_submission.superseded")


def test_the_uploader_is_told_the_outcome(ehm):
    ehm.send(csv_bytes([visit()]))
    note = ehm.world.home_care_user.notifications.get()
    assert note.subject == "Visit file for period 3 accepted"


def test_a_fault_while_processing_marks_the_file_failed_and_stores_nothing(ehm, monkeypatch):
    from caremarket.monitoring.services import submissions

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(submissions, "store_place", broken)
    submission = ehm.send(csv_bytes([visit()]))
    assert submission.status == Submission.Status.FAILED and not submission.is_current
    assert ehm.stored_files() == [] and not KpiResult.objects.exists()


def test_a_provider_without_a_cqc_provider_id_is_told_to_ask_the_council(ehm):
    ehm.provider.reference = ""
    ehm.provider.save()
    import pytest

    from caremarket.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="no CQC provider ID"):
        ehm.send(csv_bytes([visit()]))


def test_a_deregistered_branch_is_refused(ehm):
    from caremarket.cqc.models import CqcLocation

    CqcLocation.objects.filter(location_id="1-200000002").update(registered=False)
    submission = ehm.send(csv_bytes([visit(branch_reference="1-200000002")]))
    assert submission.status == "rejected"
    assert submission.errors[0]["column"] == "branch_reference"


def test_processing_twice_does_nothing_the_second_time(ehm):
    from caremarket.monitoring.services.submissions import submission_process

    submission = ehm.send(csv_bytes([visit()]))
    again = submission_process(submission_id=submission.pk, now=NOW + dt.timedelta(hours=1))
    assert again.processed_at == submission.processed_at
    assert KpiResult.objects.filter(scope="provider").count() == 1


def test_resending_a_replaced_file_makes_its_content_current_again(ehm):
    original = csv_bytes([visit(), visit()])
    first = ehm.send(original, filename="january.csv")
    corrected = ehm.send(csv_bytes([visit(), visit(), LATE]), filename="january-v2.csv")
    again = ehm.send(original, filename="january.csv")
    corrected.refresh_from_db()
    assert again.status == Submission.Status.ACCEPTED and again.is_current
    assert not corrected.is_current and corrected.superseded_by_id == again.pk
    assert f"same content as submission {first.pk} (january.csv)" in again.message
    assert "the current file again" in again.message
    series = selectors.kpi_series(organisation=ehm.provider)
    assert [(r.submission_id, r.visits_total, r.late) for r in series] == [(again.pk, 2, 0)]
    event = AuditEvent.objects.get(action="ehm_submission.current_again")
    assert event.data == {"same_content_as": first.pk, "replaces": corrected.pk}
    assert f"visits/period=3/provider=1-000000009/submission-{again.pk}.parquet" in (
        ehm.stored_files()
    )


def test_resending_the_current_file_changes_nothing_and_says_so(ehm):
    original = csv_bytes([visit(), visit()])
    ehm.send(original)
    ehm.send(csv_bytes([visit(), LATE]))
    current = ehm.send(original)  # current again
    before = ehm.stored_files()
    repeat = ehm.send(original, filename="copy.csv")
    assert repeat.status == Submission.Status.DUPLICATE and repeat.duplicate_of_id == current.pk
    assert repeat.message.startswith("This file is already the current file for period 3")
    assert "Nothing changed" in repeat.message
    current.refresh_from_db()
    assert current.is_current and ehm.stored_files() == before
    assert AuditEvent.objects.filter(action="ehm_submission.current_again").count() == 1


def _receive(ehm, data, actor):
    from caremarket.monitoring.services.submissions import submission_receive

    return submission_receive(
        actor=actor,
        organisation=ehm.provider,
        chunks=[data],
        filename="visits.csv",
        size=len(data),
        now=NOW,
    )


def test_a_received_file_is_queued_for_checking_once_it_is_committed(
    ehm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        received = _receive(ehm, csv_bytes([visit()]), ehm.world.home_care_user)
        # Nothing runs before the commit: the worker would not find the row.
        assert Submission.objects.get(pk=received.pk).status == Submission.Status.RECEIVED
    assert len(queued) == 1
    assert Submission.objects.get(pk=received.pk).status == Submission.Status.ACCEPTED


def test_the_same_content_again_queues_nothing(ehm, django_capture_on_commit_callbacks):
    ehm.send(csv_bytes([visit()]))
    with django_capture_on_commit_callbacks() as queued:
        again = _receive(ehm, csv_bytes([visit()]), ehm.world.home_care_user)
    assert again.status == Submission.Status.DUPLICATE and queued == []


def test_someone_who_may_not_send_the_file_queues_nothing(ehm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued, pytest.raises(NotPermitted):
        _receive(ehm, csv_bytes([visit()]), ehm.world.contract_manager)
    assert queued == [] and not Submission.objects.exists()
