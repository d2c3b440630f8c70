"""A provider's administrator creates an API token in the pages, and their system uses it."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_creates_an_api_token_uses_it_and_revokes_it(journey, world):
    admin = journey.person(world.home_care_admin.email)
    admin.goto(journey.url("/"))
    with admin.expect_navigation():
        admin.get_by_role("link", name="Your account").first.click()
    journey.seen(admin, "account with no tokens")
    assert "You have no API tokens" in admin.locator("main").inner_text()

    # Nameless, it is refused and says where.
    with admin.expect_navigation():
        admin.get_by_role("button", name="Create token").click()
    summary = admin.locator(".govuk-error-summary")
    assert "Enter" in summary.inner_text() and "token name" in summary.inner_text().lower()
    journey.seen(admin, "account with a token form error")

    admin.get_by_label("Token name").fill("Rostering system")
    with admin.expect_navigation():
        admin.get_by_role("button", name="Create token").click()
    assert "Token created" in admin.locator("h1").inner_text()
    raw = admin.get_by_test_id("new-token").inner_text().strip()
    journey.seen(admin, "token created")

    # Another system, with no session: only the token says who it is.
    system = journey.browser.new_context().request
    answer = system.get(journey.url("/api/v1/me"), headers={"Authorization": f"Bearer {raw}"})
    assert answer.status == 200, answer.text()
    assert answer.json()["email"] == world.home_care_admin.email
    assert system.get(journey.url("/api/v1/me")).status == 401

    # The account lists the token as used, by its first characters only, and revokes it.
    admin.get_by_role("link", name="Back to your account").click()
    row = admin.locator("#tokens ~ table tbody tr", has_text="Rostering system")
    assert raw[:6] in row.inner_text() and raw not in admin.content()
    assert "Never" not in row.inner_text()
    row.get_by_role("button", name="Revoke Rostering system").click()
    assert "has been revoked" in admin.locator(".govuk-notification-banner").inner_text()
    journey.seen(admin, "account with a revoked token")
    refused = system.get(journey.url("/api/v1/me"), headers={"Authorization": f"Bearer {raw}"})
    assert refused.status == 401
    assert refused.json()["code"]
    journey.assert_accessible()
