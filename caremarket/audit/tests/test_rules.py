import pytest
from django.contrib.auth.models import AnonymousUser


@pytest.mark.parametrize(
    "who",
    [
        "council_admin",
        "broker",
        "contract_manager",
        "health_searcher",
        "care_home_admin",
        "home_care_admin",
        "home_care_user",
    ],
)
def test_only_the_councils_administrators_read_the_audit_trail(world, who):
    assert getattr(world, who).has_perm("audit.view_trail") is (who == "council_admin")


def test_nobody_signed_out_reads_the_audit_trail(db):
    assert not AnonymousUser().has_perm("audit.view_trail")


def test_a_deactivated_administrator_no_longer_reads_it(world):
    world.council_admin.is_active = False
    assert not world.council_admin.has_perm("audit.view_trail")
