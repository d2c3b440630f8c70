"""Reference-data imports: upload, queue, report, history, the API and the drop folder."""

from __future__ import annotations

import csv
import io
import os
import time

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from caremarket.common.tests import hostile
from caremarket.core.models import DataImport
from caremarket.core.services import data_import_pick_up
from caremarket.cqc.models import CqcLocation
from caremarket.cqc.tests import published as p
from caremarket.geography.models import Postcode


@pytest.fixture(autouse=True)
def _store(settings, tmp_path):
    settings.DATA_IMPORT_DIR = tmp_path / "imports"


DIRECTORY = p.directory_csv(
    [
        p.directory_row("1-31", "Good Home", "CM1 1AA"),
        p.directory_row("1-32", "Bad Home", "not a postcode"),
    ]
)


def _upload(client, data: bytes, name: str):
    # The import is queued when the run commits; the test's transaction never does.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("core:data-imports"), {"file": _named(data, name)})


def _post_api(client, data: bytes, name: str):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/api/v1/data-imports", {"file": _named(data, name)})


def _named(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def test_the_administrator_uploads_a_file_and_sees_its_report(world):
    client = world.client_for(world.council_admin)
    response = _upload(client, DIRECTORY, "07_October_2026_CQC_directory.csv")
    run = DataImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "core:data-import", args=[run.pk]
    )
    assert run.status == DataImport.Status.DONE  # the test queue runs tasks at once
    page = client.get(response.url).content.decode()
    assert "Care directory (partial file)" in page
    assert "location 1-32: “not a postcode” is not a valid UK postcode" in page
    assert CqcLocation.objects.filter(location_id="1-31").exists()
    report = client.get(reverse("core:data-import-report", args=[run.pk]))
    rows = list(csv.reader(io.StringIO(report.content.decode())))
    assert ["Created", "1", ""] in rows and ["Skipped", "1", ""] in rows
    assert any(r[:2] == ["7", "Postcode"] for r in rows)  # header on row 5, after the preamble
    history = client.get(reverse("core:data-imports")).content.decode()
    assert "07_October_2026_CQC_directory.csv" in history and "Imported" in history


def test_a_file_that_cannot_be_read_is_refused_with_the_reason_and_changes_nothing(world):
    client = world.client_for(world.council_admin)
    _upload(client, b"Code,Title\n1,x\n", "other.csv")
    run = DataImport.objects.get()
    assert run.status == DataImport.Status.FAILED
    assert "not a file of any kind this import takes" in run.message
    assert (
        "nothing was changed"
        in client.get(reverse("core:data-import", args=[run.pk])).content.decode()
    )


def test_a_hostile_workbook_is_refused_at_once_and_changes_nothing(world):
    client = world.client_for(world.council_admin)
    _upload(client, hostile.far_cell_xlsx(["Location ID", "Location Name"]), "evil.xlsx")
    run = DataImport.objects.get()
    assert run.status == DataImport.Status.FAILED
    assert "columns" in run.message and "evil.xlsx" in run.message
    assert not CqcLocation.objects.exists()


def test_a_postcode_directory_is_recognised_and_streamed(world):
    client = world.client_for(world.council_admin)
    data = b"pcds,oslaua,lat,long,doterm\nCM1 1QH,E07000070,51.73,0.46,\n"
    _upload(client, data, "ONSPD_AUG_2026.csv")
    run = DataImport.objects.get()
    assert (run.kind, run.status) == (DataImport.Kind.POSTCODES, DataImport.Status.DONE)
    assert Postcode.objects.filter(postcode="CM1 1QH").exists()


@pytest.mark.parametrize("who", ["broker", "contract_manager", "care_home_admin", None])
def test_only_the_council_administrator_sees_or_uses_the_imports(world, who):
    client = world.client_for(getattr(world, who) if who else None)
    assert client.get(reverse("core:data-imports")).status_code in (302, 404)
    _upload(client, DIRECTORY, "d.csv")
    assert not DataImport.objects.exists()
    if who:
        api = _post_api(client, DIRECTORY, "d.csv")
        assert api.status_code == 403


def test_the_api_takes_a_file_and_answers_its_report(world):
    client = world.client_for(world.council_admin)
    response = _post_api(client, DIRECTORY, "d.csv")
    assert response.status_code == 202
    # Answered once the file is kept; the worker imports it after the run is committed.
    assert response.json()["status"] == "queued"
    body = client.get(f"/api/v1/data-imports/{response.json()['id']}").json()
    assert body["status"] == "done" and body["kind"] == "directory"
    assert {"label": "Created", "count": 1} in body["report"]["counts"]
    assert body["report"]["skipped"][0]["column"] == "Postcode"
    listed = client.get("/api/v1/data-imports").json()
    assert listed["count"] == 1


def test_files_dropped_in_the_folder_are_picked_up_once(world, settings, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    settings.DATA_IMPORT_DROP_DIR = str(drop)
    (drop / "d.csv").write_bytes(DIRECTORY)
    old = time.time() - 300
    os.utime(drop / "d.csv", (old, old))
    (drop / "still-copying.csv").write_bytes(DIRECTORY)
    with TestCase.captureOnCommitCallbacks() as queued:
        [run] = data_import_pick_up(now=timezone.now())
    assert len(queued) == 1  # each file picked up is queued once it is committed
    assert (run.source, run.requested_by) == (DataImport.Source.FOLDER, None)
    assert not (drop / "d.csv").exists() and (drop / "still-copying.csv").exists()
    from caremarket.core.services import data_import_run

    data_import_run(run_id=run.pk, now=timezone.now())
    (drop / "again.csv").write_bytes(DIRECTORY)
    os.utime(drop / "again.csv", (old, old))
    with TestCase.captureOnCommitCallbacks() as queued:
        assert data_import_pick_up(now=timezone.now()) == []  # same content, already imported
    assert queued == []
    assert any("already-imported" in f.name for f in (drop / "done").iterdir())
