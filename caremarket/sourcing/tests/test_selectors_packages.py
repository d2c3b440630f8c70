"""selectors/packages.py: the service-user check visit monitoring asks."""

from caremarket.sourcing.models import CareBookImport
from caremarket.sourcing.services import offers
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.helpers import open_offer


def test_visit_monitoring_can_check_people_against_placed_packages(world, sourcing):
    from caremarket.sourcing.selectors.packages import service_users_unknown

    package = sourcing.package(world.broker)
    offers.offer_accept(
        actor=sourcing.first_user, offer=open_offer(package), now=at(2026, 11, 19, 11)
    )
    people = {"organisation": sourcing.first.organisation, "references": ["AS-12345", "AS-0"]}
    # Until the council loads its book of care, care placed before the platform is unknown.
    assert service_users_unknown(**people) == set()
    CareBookImport.objects.create(filename="book.csv", sha256="0" * 64, imported_at=THURSDAY)
    assert service_users_unknown(**people) == {"AS-0"}
    assert service_users_unknown(
        organisation=sourcing.second.organisation, references=["AS-12345"]
    ) == {"AS-12345"}
