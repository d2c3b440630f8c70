"""Which branches a provider may report visits for."""

import datetime as dt

from caremarket.cqc.models import CqcLocation
from caremarket.framework.models import Branch as FrameworkBranch
from caremarket.framework.models import RegistrationStatus
from caremarket.framework.tests.conftest import fw  # noqa: F401  (the framework fixture)
from caremarket.monitoring.selectors import branch_list


def test_a_framework_provider_reports_only_for_branches_listed_in_its_agreement(world, fw):  # noqa: F811
    org = world.home_care_provider
    listed = set(branch_list(organisation=org))
    assert listed == {"1-900-B1"}
    FrameworkBranch.objects.filter(cqc_location_id="1-900-B1").update(listed_in_agreement=False)
    assert branch_list(organisation=org) == {}


def test_an_archived_branch_cannot_report(world, fw):  # noqa: F811
    FrameworkBranch.objects.filter(cqc_location_id="1-900-B1").update(
        registration_status=RegistrationStatus.NOT_REGISTERED
    )
    assert branch_list(organisation=world.home_care_provider) == {}


def test_a_spot_provider_reports_for_its_registered_cqc_locations(world):
    org = world.other_care_home_provider
    org.reference = "1-555"
    org.save()
    CqcLocation.objects.create(
        location_id="1-555-A",
        provider_id="1-555",
        name="Spot branch",
        postcode="CM1 1AA",
        updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    assert list(branch_list(organisation=org)) == ["1-555-A"]
