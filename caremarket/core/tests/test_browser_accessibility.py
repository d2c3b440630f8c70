"""Core and notifications pages and the error pages through axe-core and the GOV.UK checks."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from caremarket.accessibility.axe import page_violations
from caremarket.accessibility.walk import CONTEXT, duplicate_titles, walk
from caremarket.core import views
from caremarket.core.models import DataImport
from caremarket.core.tests import pages
from caremarket.core.tests.test_data_imports import DIRECTORY, _upload
from caremarket.notifications.services import notification_send
from caremarket.notifications.tests import pages as notification_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("a11y-core"),
]


def test_every_core_page_state_passes_axe_and_the_govuk_checks(
    browser, live_server, world, settings, tmp_path
):
    settings.DATA_IMPORT_DIR = tmp_path / "imports"
    admin = world.client_for(world.council_admin)
    _upload(admin, DIRECTORY, "07_October_2026_CQC_directory.csv")
    _upload(admin, b"Code,Title\n1,x\n", "other.csv")
    notification_send(
        recipients=[world.broker],
        event="package.unplaced",
        subject="A package needs a provider",
        body="Nobody on tier 1 took package P-1.",
        url="/sourcing/packages/",
        now=timezone.now(),
    )
    data = SimpleNamespace(
        world=world,
        partial_run=DataImport.objects.get(status=DataImport.Status.DONE),
        refused_run=DataImport.objects.get(status=DataImport.Status.FAILED),
    )
    problems, titles = walk(
        browser, live_server, world, data, pages.PAGES + notification_pages.PAGES
    )
    problems += duplicate_titles(titles)
    problems += _error_pages(browser, live_server)
    assert not problems, "\n".join(problems)


def _error_pages(browser, live_server) -> list[str]:
    """The 404 page as served; the 403 and 500 pages as their handlers render them."""
    context = browser.new_context(**CONTEXT)
    tab = context.new_page()
    problems = []
    response = tab.goto(f"{live_server.url}/no-such-page/")
    assert response and response.status == 404
    problems += page_violations(tab, label="the 404 page")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    for name, html in (
        ("403", views.error_403(request).content),
        ("500", views.error_500(request).content),
    ):
        # Served at an address of the live server so that its style sheet and scripts load.
        url = f"{live_server.url}/error-page-{name}/"
        tab.route(url, _serve(html))
        tab.goto(url)
        problems += page_violations(tab, label=f"the {name} page")
    context.close()
    return problems


def _serve(html: bytes):
    return lambda route: route.fulfill(body=html, content_type="text/html")


def test_the_api_documentation_passes_axe_and_the_govuk_checks(browser, live_server):
    # Swagger UI draws the page by script: check it once the operations are on it, and with
    # one operation opened, as a developer reading it would have it.
    context = browser.new_context(**CONTEXT)
    tab = context.new_page()
    tab.goto(f"{live_server.url}/api/v1/docs")
    tab.wait_for_selector(".opblock-tag")
    problems = page_violations(tab, label="the API documentation")
    tab.locator(".opblock-summary-control").first.click()
    tab.wait_for_selector(".opblock-body")
    problems += page_violations(tab, label="the API documentation with an operation open")
    context.close()
    assert not problems, "\n".join(problems)
