import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from caremarket.monitoring.models import Submission
from caremarket.monitoring.tests.conftest import BRANCH_A, csv_bytes, visit
from caremarket.monitoring.tests.test_apis import other_provider_user


def upload(client, data, **headers):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/monitoring/submissions/new/",
            {"file": SimpleUploadedFile("visits.csv", data, "text/csv")},
            **headers,
        )


def test_monitoring_home_sends_providers_to_their_figures(ehm):
    response = ehm.world.client_for(ehm.world.home_care_user).get("/monitoring/")
    assert response.url == f"/monitoring/providers/{ehm.provider.pk}/"


def test_monitoring_home_sends_contract_managers_to_the_overview(ehm):
    response = ehm.world.client_for(ehm.world.contract_manager).get("/monitoring/")
    assert response.url == "/monitoring/overview/"


def test_uploading_in_the_page_redirects_to_the_submission(ehm):
    response = upload(ehm.world.client_for(ehm.world.home_care_user), csv_bytes([visit()]))
    submission = Submission.objects.get()
    assert response.url == f"/monitoring/submissions/{submission.pk}/"


def test_the_progress_bar_upload_gets_json_with_the_submission_url(ehm):
    client = ehm.world.client_for(ehm.world.home_care_user)
    response = upload(client, csv_bytes([visit()]), HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.json()["url"].startswith("/monitoring/submissions/")


def test_the_upload_page_shows_the_size_limit_error(ehm, settings):
    settings.EHM_MAX_UPLOAD_BYTES = 100
    response = upload(ehm.world.client_for(ehm.world.home_care_user), csv_bytes([visit()]))
    assert response.status_code == 400 and "largest file accepted" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/monitoring/submissions/{s}/",
        "/monitoring/submissions/{s}/errors.csv",
        "/monitoring/providers/{p}/",
        "/monitoring/providers/{p}/branches/" + BRANCH_A + "/",
    ],
)
def test_another_provider_gets_404_for_pages_about_us(ehm, path):
    submission = ehm.send(csv_bytes([visit()]))
    client = ehm.world.client_for(other_provider_user())
    url = path.format(s=submission.pk, p=ehm.provider.pk)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["care_home_admin", "broker", "health_searcher"])
def test_people_outside_monitoring_get_404(ehm, persona):
    client = ehm.world.client_for(getattr(ehm.world, persona))
    assert client.get("/monitoring/").status_code == 404
    assert client.get("/monitoring/overview/").status_code == 404


def test_providers_cannot_open_the_overview(ehm):
    client = ehm.world.client_for(ehm.world.home_care_admin)
    assert client.get("/monitoring/overview/").status_code == 404
    assert client.get("/monitoring/flags/").status_code == 404


def test_the_provider_page_has_a_chart_and_its_table_and_no_inline_style(ehm):
    ehm.send(csv_bytes([visit()]))
    html = (
        ehm.world.client_for(ehm.world.home_care_user)
        .get(f"/monitoring/providers/{ehm.provider.pk}/")
        .content.decode()
    )
    assert 'data-chart="kpi_trend-data"' in html and 'id="kpi_trend-data"' in html
    assert "KPIs by period" in html and "Meadow Chelmsford" in html
    assert "style=" not in html and "<script>" not in html


def test_the_branch_page_reads_late_starts_by_hour_from_the_store(ehm):
    late = visit(actual_check_in="2026-01-06 08:40", actual_check_out="2026-01-06 09:30")
    ehm.send(csv_bytes([visit(), late]))
    response = ehm.world.client_for(ehm.world.contract_manager).get(
        f"/monitoring/providers/{ehm.provider.pk}/branches/{BRANCH_A}/"
    )
    html = response.content.decode()
    assert "08:00" in html and "50.0%" in html


def overview_names(client, query):
    response = client.get("/monitoring/overview/" + query)
    return [r.organisation.name for r in response.context["rows"]]


def test_the_overview_sorts_by_a_kpi(ehm):
    other = other_provider_user().organisation
    client = ehm.world.client_for(ehm.world.contract_manager)
    ehm.send(csv_bytes([visit(visit_status="MISSED", actual_check_in="", actual_check_out="")]))
    names = overview_names(client, "?period=3&sort=missed_rate&dir=desc")
    assert names == ["Meadow Home Care", other.name]  # no figures sort last


def test_the_overview_filters_to_flagged_providers(ehm):
    other_provider_user()
    client = ehm.world.client_for(ehm.world.contract_manager)
    ehm.send(csv_bytes([visit(visit_status="MISSED", actual_check_in="", actual_check_out="")]))
    assert overview_names(client, "?period=3&flagged=1") == ["Meadow Home Care"]


def test_the_overview_filters_by_district(ehm):
    other_provider_user()
    client = ehm.world.client_for(ehm.world.contract_manager)
    ehm.send(csv_bytes([visit()]))
    assert overview_names(client, "?period=3&district=E07000070") == ["Meadow Home Care"]
    assert overview_names(client, "?period=3&district=E07000071") == []


def test_the_overview_marks_the_missing_file(ehm):
    other = other_provider_user().organisation
    client = ehm.world.client_for(ehm.world.contract_manager)
    rows = client.get("/monitoring/overview/?period=3").context["rows"]
    assert {r.organisation.name: r.compliance for r in rows}[other.name] == "missing"


def test_the_template_csv_has_the_specified_header(ehm):
    response = ehm.world.client_for(ehm.world.home_care_user).get("/monitoring/template.csv")
    assert (
        response.content.decode()
        .splitlines()[0]
        .startswith("provider_reference,branch_reference,period_start")
    )


def test_the_template_itself_is_a_valid_file_apart_from_its_references(ehm):
    response = ehm.world.client_for(ehm.world.home_care_user).get("/monitoring/template.csv")
    submission = ehm.send(response.content)
    columns = {e["column"] for e in submission.errors}
    assert columns <= {"provider_reference", "branch_reference", "period_start"}
