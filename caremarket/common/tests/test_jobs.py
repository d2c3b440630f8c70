import pytest

from caremarket.common import jobs


def test_a_job_runs_only_when_the_transaction_commits(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    ran = []
    monkeypatch.setattr(jobs, "_JOBS", {})
    jobs.job_register("test.record", ran.append)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.job_enqueue_on_commit("test.record", 7)
        assert ran == []
    assert ran == [7]


def test_an_unregistered_job_fails_inside_the_service_not_after_the_commit(db):
    with pytest.raises(KeyError):
        jobs.job_enqueue_on_commit("test.nobody-registered-this", 1)
