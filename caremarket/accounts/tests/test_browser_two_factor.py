"""Two-factor sign-in in a browser: a provider turns it on, signs out, signs in with a code from
the app (after a wrong one), then with a backup code, which works once; a council broker who
must use it sets it up in the middle of signing in. axe-core checks every page on the way."""

from __future__ import annotations

import time
from base64 import b32decode
from binascii import hexlify

import pytest

from caremarket.accounts.tests.test_two_factor import code
from caremarket.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG = "The code is not right"


def key_from_page(tab) -> str:
    """The key as a person would type it into their app, back to django-otp's hex."""
    typed = tab.locator("#two-factor-secret").inner_text().replace(" ", "")
    return hexlify(b32decode(typed)).decode()


def sign_out(tab) -> None:
    with tab.expect_navigation():
        tab.get_by_role("button", name="Sign out").click()


def password_step(journey, tab, email: str) -> None:
    tab.goto(journey.url("/accounts/sign-in/"))
    tab.get_by_label("E-mail address").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    with tab.expect_navigation():
        tab.locator("main [type=submit]").click()


def submit_code(tab, value: str) -> None:
    tab.get_by_label("Code").fill(value)
    with tab.expect_navigation():
        tab.locator("main [type=submit]").click()


def follow(tab, name: str) -> None:
    """Click a link and wait for the page it opens: a check made straight after a bare click
    can run against the page being left (CI once counted no QR code on the set-up page)."""
    with tab.expect_navigation():
        tab.get_by_role("link", name=name).click()


def next_step_starts() -> None:
    """Wait, if need be, until a fresh 30-second step has at least 3 seconds left, so a code
    typed now is still the app's code when the server checks it."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.5)


def test_enrol_sign_out_sign_in_with_a_code_and_a_backup_code_once(journey, world):
    email = world.home_care_admin.email
    tab = journey.person(email)
    tab.goto(journey.url("/accounts/account/"))
    follow(tab, "Set up two-factor sign-in")
    assert tab.locator("svg.app-qr-code").count() == 1
    journey.seen(tab, "two-factor set-up")
    key = key_from_page(tab)

    submit_code(tab, "")
    assert "Enter the 6-digit code" in tab.locator(".govuk-error-summary").inner_text()
    journey.seen(tab, "two-factor set-up with errors")
    next_step_starts()
    submit_code(tab, code(key, steps_ahead=5))
    assert WRONG in tab.locator(".govuk-error-summary").inner_text()
    next_step_starts()
    submit_code(tab, code(key))
    assert "Two-factor sign-in is on" in tab.locator("h1").inner_text()
    journey.seen(tab, "backup codes")
    backup = [c.strip() for c in tab.locator("#backup-codes li").all_inner_texts()]
    assert len(backup) == 10
    follow(tab, "I have saved my backup codes")
    assert "10 unused backup codes" in tab.locator("main").inner_text()
    sign_out(tab)

    # The password alone now leads to the code step, not into the service.
    password_step(journey, tab, email)
    assert tab.url.endswith("/accounts/sign-in/code/")
    journey.seen(tab, "sign-in code step")
    submit_code(tab, "123 456" if code(key, steps_ahead=1) != "123456" else "654321")
    assert WRONG in tab.locator(".govuk-error-summary").inner_text()
    journey.seen(tab, "sign-in code step with a wrong code")
    tab.goto(journey.url("/accounts/account/"))
    assert tab.url.split("?")[0].endswith("/accounts/sign-in/"), "not signed in yet"
    password_step(journey, tab, email)
    next_step_starts()
    submit_code(tab, code(key, steps_ahead=1))
    assert tab.get_by_role("button", name="Sign out").count() == 1
    sign_out(tab)

    # A backup code instead of the app, once.
    password_step(journey, tab, email)
    submit_code(tab, backup[0])
    assert tab.get_by_role("button", name="Sign out").count() == 1
    tab.goto(journey.url("/accounts/account/"))
    assert "9 unused backup codes" in tab.locator("main").inner_text()
    sign_out(tab)
    password_step(journey, tab, email)
    submit_code(tab, backup[0])
    assert WRONG in tab.locator(".govuk-error-summary").inner_text()
    assert tab.get_by_role("button", name="Sign out").count() == 0

    # Turning it off takes a code from the app.
    submit_code(tab, backup[1])
    tab.goto(journey.url("/accounts/account/"))
    follow(tab, "turn off two-factor sign-in")
    journey.seen(tab, "turn off two-factor sign-in")
    next_step_starts()
    submit_code(tab, code(key, steps_ahead=2))
    assert "Two-factor sign-in is off" in tab.locator("main").inner_text()
    journey.assert_accessible()


def test_council_staff_set_it_up_while_signing_in_when_it_is_required(journey, world, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_COUNCIL = True
    tab = journey.person()
    password_step(journey, tab, world.broker.email)
    assert tab.url.endswith("/accounts/sign-in/set-up-two-factor/")
    assert tab.get_by_role("button", name="Sign out").count() == 0
    journey.seen(tab, "two-factor set-up while signing in")
    key = key_from_page(tab)
    next_step_starts()
    submit_code(tab, code(key))
    backup = tab.locator("#backup-codes li").all_inner_texts()
    assert len(backup) == 10
    follow(tab, "I have saved my backup codes")
    assert tab.get_by_role("button", name="Sign out").count() == 1
    tab.goto(journey.url("/accounts/account/"))
    # Required: it can be moved to a new phone but not turned off.
    assert tab.get_by_role("link", name="turn off two-factor sign-in").count() == 0
    journey.assert_accessible()
