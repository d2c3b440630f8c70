"""The accounts and audit pages through axe-core and the GOV.UK checks."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from caremarket.accessibility.walk import duplicate_titles, walk
from caremarket.accounts.services import user_deactivate
from caremarket.accounts.tests import pages as accounts_pages
from caremarket.audit.tests import pages as audit_pages
from caremarket.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("a11y-accounts"),
]


def test_every_accounts_page_state_passes_axe_and_the_govuk_checks(browser, live_server, world):
    leaver = make_user(world.council, "leaver@council.test", "broker", "Lee Leaver")
    user_deactivate(actor=world.council_admin, user=leaver, now=timezone.now())
    data = SimpleNamespace(world=world, deactivated=leaver)
    pages = accounts_pages.PAGES + audit_pages.PAGES
    problems, titles = walk(browser, live_server, world, data, pages)
    problems += duplicate_titles(titles)
    assert not problems, "\n".join(problems)
