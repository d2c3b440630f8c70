"""Each broker's placement at the Available Packages, mini-competition or spot stage records
whether round fit ("Best placed") was in front of the broker, and each Batching List offer or
placement whether the chosen provider's list showed it round fit (issue 14 item 3, decision
0094); offers by the ranked list leave it unset."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from caremarket.audit.models import AuditEvent
from caremarket.sourcing.models import BatchingListLine, SourcingDecision
from caremarket.sourcing.selectors.batching_workbook import batching_list_workbook
from caremarket.sourcing.services import available, batching, offers
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import exhaust_tier1, open_offer, to_available_list
from caremarket.sourcing.tests.rounds.conftest import client_of, postcode_at

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


# The Batching List: the provider's ticks choose, so the decision records whether that
# provider's list showed it round fit for the package when it was issued.


def _on_a_list(world, sourcing):
    """A package through tier 1 onto a Batching List issued at 16:00; Meadow (tier 1,
    position 1) has a current client 0.3 km away, the second tier-1 provider none."""
    client_of(
        sourcing, world.broker, sourcing.first.organisation, postcode_at("CM1 2AB", east_km=0.3)
    )
    package = sourcing.package(world.broker, postcode=postcode_at("CM1 9ZZ"))
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    listed = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    assert listed is not None
    return package, listed


def _tick(sourcing, listed, provider, user, package):
    batching.batching_return_record(
        actor=user,
        batching_list=listed,
        provider=provider,
        interested={package.pk},
        now=at(2026, 11, 19, 17),
    )


def _close(listed):
    assert batching.batching_list_close(batching_list=listed, now=at(2026, 11, 20, 10))


def _batching_offer(package):
    return SourcingDecision.objects.get(package=package, kind="offer", stage="batching")


def test_the_list_records_per_provider_whether_it_showed_round_fit(world, sourcing, monkeypatch):
    package, listed = _on_a_list(world, sourcing)
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 19, 18))
    shown = dict(
        BatchingListLine.objects.filter(batching_list=listed, package=package).values_list(
            "provider_id", "round_fit_shown"
        )
    )
    assert shown == {sourcing.first.pk: True, sourcing.second.pk: False}
    # What the two providers' pages show, which the lines follow.
    first = world.client_for(sourcing.first_user).get("/sourcing/batching-list/").content.decode()
    assert 'data-testid="round-fit"' in first
    second = world.client_for(sourcing.second_user).get("/sourcing/batching-list/").content.decode()
    assert "No current clients to compare with" in second
    assert 'data-testid="round-fit"' not in second
    # The workbook shows the same, after the columns an upload reads.
    for provider, says in (
        (sourcing.first, "clients within 1 / 2 / 5 km"),
        (sourcing.second, "No current clients to compare with"),
    ):
        sheet = load_workbook(
            io.BytesIO(batching_list_workbook(batching_list=listed, provider=provider))
        )["Batching List"]
        assert sheet["J5"].value == "Fit with your round"
        assert says in sheet["J6"].value
    event = AuditEvent.objects.get(action="batching_list.issued", object_id=listed.pk)
    assert event.data["round_fit_shown"] == {str(sourcing.first.pk): [package.reference]}


def test_a_provider_shown_round_fit_that_wins_at_the_close_records_it_used(world, sourcing):
    package, listed = _on_a_list(world, sourcing)
    _tick(sourcing, listed, sourcing.first, sourcing.first_user, package)
    _tick(sourcing, listed, sourcing.second, sourcing.second_user, package)
    _close(listed)
    offer = open_offer(package)
    assert (offer.provider, offer.stage) == (sourcing.first, "batching")
    assert _batching_offer(package).round_fit_used is True
    # The placement that follows from it says the same; the close's own note says nothing.
    offers.offer_accept(actor=sourcing.first_user, offer=offer, now=at(2026, 11, 20, 11))
    assert _placed_decision(package).round_fit_used is True
    closed = SourcingDecision.objects.get(package=package, kind="batching_closed")
    assert closed.round_fit_used is None
    page = world.client_for(world.broker).get(f"/sourcing/packages/{package.pk}/").content
    assert page.decode().count("Round fit was shown when this was decided.") == 2


def test_a_provider_not_shown_round_fit_records_it_not_used(world, sourcing):
    package, listed = _on_a_list(world, sourcing)
    _tick(sourcing, listed, sourcing.second, sourcing.second_user, package)
    _close(listed)
    assert open_offer(package).provider == sourcing.second
    assert _batching_offer(package).round_fit_used is False
    page = world.client_for(world.broker).get(f"/sourcing/packages/{package.pk}/").content
    assert "Round fit was not shown." in page.decode()


def test_the_next_interested_provider_after_a_decline_records_its_own_list(world, sourcing):
    package, listed = _on_a_list(world, sourcing)
    _tick(sourcing, listed, sourcing.first, sourcing.first_user, package)
    _tick(sourcing, listed, sourcing.second, sourcing.second_user, package)
    _close(listed)
    offers.offer_decline(
        actor=sourcing.first_user,
        offer=open_offer(package),
        reason="full",
        now=at(2026, 11, 20, 11),
    )
    assert open_offer(package).provider == sourcing.second
    used = dict(
        SourcingDecision.objects.filter(
            package=package, kind="offer", stage="batching"
        ).values_list("provider_id", "round_fit_used")
    )
    assert used == {sourcing.first.pk: True, sourcing.second.pk: False}


def test_a_list_issued_before_lines_were_kept_records_nothing(world, sourcing):
    package, listed = _on_a_list(world, sourcing)
    BatchingListLine.objects.filter(batching_list=listed).delete()
    _tick(sourcing, listed, sourcing.first, sourcing.first_user, package)
    _close(listed)
    assert open_offer(package).provider == sourcing.first
    assert _batching_offer(package).round_fit_used is None
    page = world.client_for(world.broker).get(f"/sourcing/packages/{package.pk}/").content
    assert 'data-testid="round-fit-used"' not in page.decode()


def test_a_package_nobody_ticked_records_nothing(world, sourcing):
    package, listed = _on_a_list(world, sourcing)
    _close(listed)
    assert open_offer(package).stage == "tier2"
    assert not SourcingDecision.objects.filter(
        package=package, round_fit_used__isnull=False
    ).exists()
