"""The visit store in S3-compatible object storage (EHM_S3_BUCKET): the folder is scratch space."""

from caremarket.conftest import stored_keys
from caremarket.monitoring.models import Submission
from caremarket.monitoring.tests.conftest import BRANCH_A, NOW, csv_bytes, visit
from caremarket.settings import s3_storage

LATE = visit(actual_check_in="2026-01-06 08:40", actual_check_out="2026-01-06 09:30")


def in_bucket(settings):
    settings.STORAGES = {**settings.STORAGES, "ehm": s3_storage("caremarket-test", "ehm")}


def test_an_accepted_file_is_stored_in_the_bucket_and_nothing_stays_on_the_machine(
    ehm, settings, object_storage
):
    in_bucket(settings)
    submission = ehm.send(csv_bytes([visit(), LATE]))
    assert submission.status == Submission.Status.ACCEPTED
    assert stored_keys(object_storage) == [
        f"ehm/visits/period=3/provider=1-000000009/submission-{submission.pk}.parquet"
    ]
    assert ehm.stored_files() == []


def test_the_upload_waits_in_the_bucket_for_a_worker_on_another_machine(
    ehm, settings, object_storage
):
    from caremarket.monitoring.services.submissions import submission_receive

    in_bucket(settings)
    data = csv_bytes([visit()])
    received = submission_receive(
        actor=ehm.world.home_care_user,
        organisation=ehm.provider,
        chunks=[data],
        filename="visits.csv",
        size=len(data),
        now=NOW,
    )
    assert stored_keys(object_storage) == [f"ehm/{received.upload_path}"]
    assert ehm.stored_files() == []  # the web machine keeps nothing


def test_the_branch_page_reads_the_visits_from_the_bucket(ehm, settings, object_storage):
    in_bucket(settings)
    ehm.send(csv_bytes([visit(), LATE]))
    response = ehm.world.client_for(ehm.world.contract_manager).get(
        f"/monitoring/providers/{ehm.provider.pk}/branches/{BRANCH_A}/"
    )
    html = response.content.decode()
    assert "08:00" in html and "50.0%" in html
    assert ehm.stored_files() == []  # the download is dropped once read


def test_a_replaced_file_moves_to_superseded_in_the_bucket(ehm, settings, object_storage):
    in_bucket(settings)
    first = ehm.send(csv_bytes([visit()]))
    corrected = ehm.send(csv_bytes([visit(), LATE]))
    first.refresh_from_db()
    assert stored_keys(object_storage) == [
        f"ehm/superseded/period=3/provider=1-000000009/submission-{first.pk}.parquet",
        f"ehm/visits/period=3/provider=1-000000009/submission-{corrected.pk}.parquet",
    ]
    assert first.store_path.startswith("superseded/")


def test_a_rejected_file_leaves_nothing_in_the_bucket(ehm, settings, object_storage):
    in_bucket(settings)
    assert ehm.send(csv_bytes([visit(visit_status="??")])).status == "rejected"
    assert stored_keys(object_storage) == []
