"""Each broker's placement at the Available Packages, mini-competition or spot stage records
whether round fit ("Best placed") was in front of the broker (issue 14 item 3, decision 0094);
offers by the ranked list leave it unset."""

from decimal import Decimal

import pytest

from caremarket.sourcing.models import SourcingDecision
from caremarket.sourcing.services import available
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import to_available_list

pytestmark = pytest.mark.django_db


def _placed_decision(package):
    return SourcingDecision.objects.filter(package=package, stage="placed").get()


def test_a_spot_purchase_from_the_package_page_records_round_fit_shown(world, sourcing):
    package = to_available_list(world, sourcing)
    client = world.client_for(world.broker)
    page = client.get(f"/sourcing/packages/{package.pk}/").content.decode()
    assert "Best placed" in page
    response = client.post(
        f"/sourcing/packages/{package.pk}/place/",
        {"route": "spot", "organisation": sourcing.spot_user.organisation_id, "rate": "30.00"},
    )
    assert response.status_code == 302
    assert _placed_decision(package).round_fit_used is True
    page = client.get(f"/sourcing/packages/{package.pk}/").content.decode()
    assert "Round fit was shown when this was decided." in page
    # The ranked-list offers before it record nothing either way.
    assert not SourcingDecision.objects.filter(
        package=package, kind="offer", round_fit_used__isnull=False
    ).exists()


def test_where_the_page_showed_no_round_fit_the_decision_says_so(world, sourcing, monkeypatch):
    package = to_available_list(world, sourcing)
    available.available_list_issue(now=at(2026, 11, 23, 9))
    proposal = available.rate_proposal_submit(
        actor=sourcing.spot_user,
        package=package,
        rate=Decimal("27.50"),
        notes="",
        now=at(2026, 11, 23, 11),
    )
    # No eligible provider to rank by round fit: the page has no "Best placed" table.
    monkeypatch.setattr("caremarket.sourcing.views.packages.best_placed", lambda **kw: [])
    client = world.client_for(world.broker)
    assert "Best placed" not in client.get(f"/sourcing/packages/{package.pk}/").content.decode()
    assert client.post(f"/sourcing/proposals/{proposal.pk}/accept/").status_code == 302
    assert _placed_decision(package).round_fit_used is False
    page = client.get(f"/sourcing/packages/{package.pk}/").content.decode()
    assert "Round fit was not shown." in page
