"""The framework pages through axe-core and the GOV.UK checks, in Chromium, for each role."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from caremarket.accessibility.walk import duplicate_titles, walk
from caremarket.cqc.models import CqcLocation
from caremarket.framework.services.ranked_lists import ranked_list_draft_create
from caremarket.framework.tests import pages
from caremarket.framework.tests.test_providers import submit
from caremarket.framework.tests.test_services_purchase_orders import issue, priced  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("a11y-framework"),
]


def test_every_framework_page_state_passes_axe_and_the_govuk_checks(
    browser,
    live_server,
    world,
    fw,
    priced,  # noqa: F811
):
    order = issue(fw, priced, world.broker)
    # A CQC-registered agency not yet on the framework, for the "add a provider" page.
    CqcLocation.objects.create(
        location_id="1-777-B1",
        provider_id="1-777",
        name="Riverside Home Care",
        provider_name="Riverside Home Care Ltd",
        address="3 Mill Lane, Chelmsford",
        postcode="CM1 1AA",
        updated_at=timezone.now(),
    )
    data = SimpleNamespace(
        world=world,
        fw=fw,
        branch_request=submit(fw, world),
        draft=ranked_list_draft_create(actor=world.contract_manager, now=timezone.now()),
        package_reference=order.package_reference,
    )
    problems, titles = walk(browser, live_server, world, data, pages.PAGES)
    problems += duplicate_titles(titles)
    assert not problems, "\n".join(problems)
