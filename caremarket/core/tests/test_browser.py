"""Drives the real pages in headless Chromium: sign in as each demo role."""

import pytest
from django.utils import timezone

from caremarket.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from caremarket.accounts.demo import load as load_accounts
from caremarket.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPECTED_NAV = {
    "council_admin": ["Users", "Organisations", "Audit trail"],
    "provider_admin": ["Users"],
}
NEVER_FOR = {
    "broker": ["Audit trail", "Organisations", "Users"],
    "health_searcher": ["Audit trail", "Organisations", "Users"],
    "provider_user": ["Audit trail", "Organisations", "Users"],
    "provider_admin": ["Audit trail", "Organisations"],
}


def test_each_demo_role_signs_in_and_sees_its_navigation(page, live_server):
    import random

    load_accounts(rng=random.Random(1), now=timezone.now())
    for login in DEMO_LOGINS:
        page.context.clear_cookies()
        sign_in(page, live_server, login.email, DEMO_PASSWORD)
        nav = page.locator("#navigation").inner_text()
        assert "Sign out" in nav, f"{login.email} did not reach a signed-in page"
        assert login.name in page.locator(".govuk-phase-banner").inner_text()
        for label in EXPECTED_NAV.get(str(login.role), []):
            assert label in nav, f"{login.role} should see {label}"
        for label in NEVER_FOR.get(str(login.role), []):
            assert label not in nav, f"{login.role} must not see {label}"


def test_wrong_password_shows_an_error_summary(page, live_server, world):
    sign_in(page, live_server, "broker@council.test", "not-the-password")
    summary = page.locator(".govuk-error-summary")
    assert "Enter a correct e-mail address and password" in summary.inner_text()


def test_provider_admin_adds_a_colleague_in_the_browser(page, live_server, world):
    sign_in(page, live_server, "manager@willow.test")
    page.goto(f"{live_server.url}/accounts/users/new/")
    page.fill("#id_full_name", "Nia Nurse")
    page.fill("#id_email", "nia@willow.test")
    page.select_option("#id_role", "provider_user")
    with page.expect_navigation():
        page.click("main [type=submit]")
    assert "Nia Nurse" in page.locator("h1").inner_text()


def test_the_api_docs_work_offline_under_the_csp(page, live_server):
    # Anything not from the service itself fails, as it would on a machine with no internet.
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    refused: list[str] = []
    page.on(
        "console", lambda msg: refused.append(msg.text) if "Content Security" in msg.text else None
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "caremarket API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")
    assert page.locator(".opblock").count() > 20
    assert refused == []
