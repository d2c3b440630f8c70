"""`restored_once_per_module`: transactional tests share one build, yet each starts from the
database exactly as built, and the live server sees it so.

The two tests run in file order: the first deletes a built row, renames another, writes one
more and fills the caches; the second finds the built rows and nothing else. On SQLite it finds
them restored, not built again: the same primary keys, and the next row written takes the key
the first test's row took. On PostgreSQL each test builds. Both run in one process: `-n 0`, or
the module's `xdist_group` under `--dist loadgroup` (test_xdist_groups.py).
"""

import json
import urllib.request

import pytest
from django.core.cache import cache
from django.db import connection

from caremarket.common.process_caches import process_cached
from caremarket.conftest import restored_once_per_module
from caremarket.geography.models import District

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("restored-once-per-module"),
]

BUILT = ("T90000001", "T90000002")
WRITTEN = "T90000003"
CACHED = "restored-once-per-module"
RENAMED = "Renamed by the first test"

# The primary keys each build gave its districts, one entry a build; and the tests that asked.
builds: list[dict[str, int]] = []
tests: list[str] = []


@process_cached(maxsize=8)
def district_name(code: str) -> str:
    return District.objects.get(code=code).name


def _build() -> dict[str, District]:
    districts = {
        code: District.objects.create(code=code, name=f"Built {code}", in_council_area=True)
        for code in BUILT
    }
    builds.append({code: d.pk for code, d in districts.items()})
    return districts


@pytest.fixture(scope="module")
def _built_once():
    with restored_once_per_module(_build) as start:
        yield start


@pytest.fixture
def built(request, _built_once) -> dict[str, District]:
    tests.append(request.node.name)
    return _built_once(request)


def ours() -> dict[str, int]:
    """The districts these tests made (the reference data's are left out), by code."""
    return dict(District.objects.filter(code__startswith="T9").values_list("code", "pk"))


def listed_by_the_live_server(live_server) -> set[str]:
    with urllib.request.urlopen(f"{live_server.url}/api/v1/districts") as response:  # noqa: S310
        return {d["code"] for d in json.load(response) if d["code"].startswith("T9")}


def next_key() -> int:
    """The key the next district takes: one past the last the build gave (SQLite never reuses
    a key while sqlite_sequence remembers it)."""
    return max(builds[0].values()) + 1


def test_a_test_changes_the_built_rows_and_fills_the_caches(built, live_server):
    assert ours() == builds[-1]
    District.objects.filter(code=BUILT[0]).delete()
    District.objects.filter(code=BUILT[1]).update(name=RENAMED)
    built[BUILT[1]].name = RENAMED
    written = District.objects.create(code=WRITTEN, name="Written", in_council_area=True)
    if connection.vendor == "sqlite":
        assert written.pk == next_key()
    assert district_name(BUILT[1]) == RENAMED
    cache.set(CACHED, written.pk)
    assert listed_by_the_live_server(live_server) == {BUILT[1], WRITTEN}


def test_the_next_test_starts_from_the_rows_as_built(built, live_server):
    assert ours() == builds[-1]
    assert {code: d.name for code, d in built.items()} == {code: f"Built {code}" for code in BUILT}
    assert listed_by_the_live_server(live_server) == set(BUILT)
    # Nothing cached by the first test: not the renamed district, not the written row's key.
    assert district_name.cache_info().currsize == 0
    assert cache.get(CACHED) is None
    assert district_name(BUILT[1]) == f"Built {BUILT[1]}"
    if connection.vendor == "sqlite":
        assert len(builds) == 1, "restored, not built again"
        written = District.objects.create(code=WRITTEN, name="Written", in_council_area=True)
        assert written.pk == next_key()
    else:
        assert len(builds) == len(tests), "built for each test"
