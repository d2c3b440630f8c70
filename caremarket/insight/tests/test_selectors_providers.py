"""The whole market: CQC's home care agencies in the area, and the platform's providers."""

from django.utils import timezone

from caremarket.accounts.models import OrganisationKind
from caremarket.accounts.services import organisation_create
from caremarket.cqc.models import CqcLocation, CqcRating
from caremarket.insight.selectors.providers import market_providers
from caremarket.sourcing.tests.conftest import at


def agency(
    location_id, provider_id, postcode, *, rating=None, registered=True, service="Homecare agencies"
):
    CqcLocation.objects.create(
        location_id=location_id,
        provider_id=provider_id,
        name=f"Agency {location_id}",
        provider_name=f"Provider {provider_id}",
        postcode=postcode,
        service_types=[service],
        registered=registered,
        updated_at=at(2026, 11, 1),
    )
    if rating:
        CqcRating.objects.create(location_id=location_id, domain="Overall", rating=rating)


def test_only_registered_home_care_agencies_in_the_area_count(db):
    agency("L1", "P1", "CM1 1AA", rating="Good")
    agency("L2", "P2", "SS1 1AA", rating="Good")  # Southend: another council
    agency("L3", "P3", "CO1 1AA", rating="Good", registered=False)  # left the register
    agency("L4", "P4", "CM2 0AA", rating="Good", service="Residential homes")  # a care home
    assert set(market_providers()) == {"P1"}


def test_a_provider_is_good_only_if_every_rated_location_is(db):
    agency("L1", "P1", "CM1 1AA", rating="Outstanding")
    agency("L2", "P1", "CO1 1AA", rating="Requires improvement")
    agency("L3", "P2", "CM1 1AA", rating="Good")
    agency("L4", "P2", "CO1 1AA")  # not inspected yet: does not count against it
    agency("L5", "P3", "CM1 1AA", rating="Not rated")
    found = market_providers()
    assert (found["P1"].rated, found["P1"].good_or_outstanding) == (True, False)
    assert (found["P2"].rated, found["P2"].good_or_outstanding) == (True, True)
    assert (found["P3"].rated, found["P3"].good_or_outstanding) == (False, False)


def test_home_care_organisations_count_once_whether_or_not_the_cqc_file_has_them(db):
    agency("L1", "1-123", "CM1 1AA", rating="Good")
    known = organisation_create(
        now=timezone.now(),
        actor=None,
        name="Known Care",
        kind=OrganisationKind.HOME_CARE_PROVIDER,
        reference="1-123",
    )
    new = organisation_create(
        now=timezone.now(), actor=None, name="New Care", kind=OrganisationKind.HOME_CARE_PROVIDER
    )
    organisation_create(
        now=timezone.now(),
        actor=None,
        name="A Care Home Group",
        kind=OrganisationKind.CARE_HOME_PROVIDER,
    )
    found = market_providers()
    assert set(found) == {"1-123", f"organisation {new.pk}"}
    assert (found["1-123"].organisation_id, found["1-123"].name) == (known.pk, "Known Care")
    assert not found[f"organisation {new.pk}"].rated
