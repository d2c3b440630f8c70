from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from caremarket.accounts.models import OrganisationKind, Role
from caremarket.accounts.services import organisation_create
from caremarket.conftest import make_user
from caremarket.monitoring.tests.conftest import csv_bytes, visit


def post_file(client, data, name="visits.csv"):
    # Processing is queued when the submission commits; the test's transaction never does.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/api/v1/ehm/submissions", {"file": SimpleUploadedFile(name, data, "text/csv")}
        )


def other_provider_user():
    org = organisation_create(
        now=timezone.now(),
        actor=None,
        name="Harbour Home Care",
        kind=OrganisationKind.HOME_CARE_PROVIDER,
        reference="1-000000077",
    )
    return make_user(org, "staff@harbour.test", Role.PROVIDER_USER)


def test_posting_a_file_answers_202_with_the_submission_id(ehm):
    response = post_file(ehm.world.client_for(ehm.world.home_care_user), csv_bytes([visit()]))
    assert response.status_code == 202
    body = response.json()
    assert body["id"] and body["status"] in ("received", "processing", "accepted", "rejected")
    assert body["url"] == f"/monitoring/submissions/{body['id']}/"


def test_getting_a_submission_reports_status_counts_and_errors(ehm):
    client = ehm.world.client_for(ehm.world.home_care_user)
    created = post_file(client, csv_bytes([visit(), visit(visit_status="X")])).json()
    body = client.get(f"/api/v1/ehm/submissions/{created['id']}").json()
    assert (body["status"], body["rows"], body["error_count"]) == ("rejected", 2, 1)
    assert body["errors"][0] == {
        "row": 3,
        "column": "visit_status",
        "value": "X",
        "rule": "Not a valid code: use one of DELIVERED, MISSED, CANCELLED, FRUSTRATED.",
    }
    assert body["error_report_url"].endswith("/errors.csv")


def test_an_oversized_file_answers_422_naming_the_limit(ehm, settings):
    settings.EHM_MAX_UPLOAD_BYTES = 100
    response = post_file(ehm.world.client_for(ehm.world.home_care_user), csv_bytes([visit()]))
    assert response.status_code == 422 and "largest file accepted" in response.json()["detail"]


def test_council_staff_cannot_post_visit_files(ehm):
    response = post_file(ehm.world.client_for(ehm.world.contract_manager), csv_bytes([visit()]))
    assert response.status_code == 403


def test_another_provider_cannot_read_a_submission(ehm):
    submission = ehm.send(csv_bytes([visit()]))
    client = ehm.world.client_for(other_provider_user())
    assert client.get(f"/api/v1/ehm/submissions/{submission.pk}").status_code == 404


def test_another_provider_cannot_read_kpis(ehm):
    ehm.send(csv_bytes([visit()]))
    client = ehm.world.client_for(other_provider_user())
    assert client.get(f"/api/v1/ehm/providers/{ehm.provider.pk}/kpis").status_code == 404


def test_a_provider_lists_only_its_own_submissions(ehm):
    ehm.send(csv_bytes([visit()]))
    other = other_provider_user()
    assert ehm.world.client_for(other).get("/api/v1/ehm/submissions").json()["count"] == 0
    own = ehm.world.client_for(ehm.world.home_care_admin).get("/api/v1/ehm/submissions")
    assert own.json()["count"] == 1


def test_a_provider_reads_its_own_kpis(ehm):
    ehm.send(csv_bytes([visit()]))
    client = ehm.world.client_for(ehm.world.home_care_user)
    rows = client.get(f"/api/v1/ehm/providers/{ehm.provider.pk}/kpis").json()
    assert [(r["period"], r["visits_delivered"], r["rates"]["on_time_rate"]) for r in rows] == [
        (3, 1, 1.0)
    ]


def test_contract_managers_read_every_providers_kpis_and_flags(ehm):
    ehm.send(csv_bytes([visit(visit_status="MISSED", actual_check_in="", actual_check_out="")]))
    client = ehm.world.client_for(ehm.world.contract_manager)
    assert client.get(f"/api/v1/ehm/providers/{ehm.provider.pk}/kpis").status_code == 200
    flags = client.get("/api/v1/ehm/flags").json()["items"]
    assert "missed_visits" in {f["kind"] for f in flags}


def test_providers_cannot_list_risk_flags(ehm):
    client = ehm.world.client_for(ehm.world.home_care_user)
    assert client.get("/api/v1/ehm/flags").status_code == 403
