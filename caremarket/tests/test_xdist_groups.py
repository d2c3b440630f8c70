"""Tests marked with one `xdist_group` reach the scheduler as one group under `--dist loadgroup`
(the suite's own mode), so a module that shares one build keeps its tests on one worker.

The scheduler reads the group from the test's id, `id@group`; without the root conftest's
hook, pytest 9.2 keeps the plain id and the groups are silently ignored (pytest-xdist#1386).
"""

import pytest

pytestmark = pytest.mark.xdist_group("groups-kept")


def test_a_grouped_test_carries_its_group_in_its_id_exactly_when_tests_are_grouped(request):
    grouped = bool(request.config.getoption("loadgroup", default=False))
    assert request.node.nodeid.endswith("@groups-kept") == grouped
