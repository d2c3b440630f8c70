"""A broker creates a package and a provider answers its offer, each with the keyboard only."""

import datetime as dt

import pytest

from caremarket.accessibility.journey import focused, keyboard_sign_in, press, tab_to
from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.models import Package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def named(name):
    return lambda f: f["name"] == name


def test_a_broker_creates_a_package_with_the_keyboard_only(journey, clock, world, sourcing):
    clock.now = dt.datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)
    broker = journey.person()
    keyboard_sign_in(broker, journey.live_server, world.broker.email)
    broker.goto(journey.url("/sourcing/packages/"))
    tab_to(broker, lambda f: f["text"] == "Create a package")
    press(broker, "Enter")

    # Sent empty, the error summary takes the focus; its first link goes to the first field.
    tab_to(broker, lambda f: f["text"] == "Create package and start sourcing")
    press(broker, "Enter")
    broker.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    journey.seen(broker, "package form errors reached by keyboard")
    broker.keyboard.press("Tab")
    assert "Enter person's case reference" in focused(broker)["text"]
    broker.keyboard.press("Enter")
    assert focused(broker)["name"] == "person_reference"

    broker.keyboard.type("AS-55501")
    tab_to(broker, named("postcode"))
    broker.keyboard.type("CM1 1AA")
    tab_to(broker, named("service_type"))
    broker.keyboard.type("Personal")
    tab_to(broker, named("cohort"))
    broker.keyboard.type("Older")
    tab_to(broker, named("hours_per_week"))
    broker.keyboard.type("10.5")
    tab_to(broker, named("visit_pattern"))
    broker.keyboard.type("3 calls a day, 30 minutes each")
    for part, value in (("start_date_0", "30"), ("start_date_1", "11"), ("start_date_2", "2026")):
        tab_to(broker, named(part))
        broker.keyboard.type(value)
    tab_to(broker, named("needs"))
    broker.keyboard.type("Help to wash and dress")
    tab_to(broker, lambda f: f["text"] == "Create package and start sourcing")
    press(broker, "Enter")
    banner = broker.locator(".govuk-notification-banner").inner_text()
    assert "created: sourcing has started" in banner, banner
    package = Package.objects.get(person_reference="AS-55501")
    assert (package.lot.service_type, package.lot.cohort) == ("personal_care", "older_people")
    assert package.start_date == dt.date(2026, 11, 30)
    journey.seen(broker, "a package created by keyboard")
    journey.assert_accessible()


def test_a_provider_declines_and_another_accepts_an_offer_with_the_keyboard_only(
    journey, clock, world, sourcing
):
    clock.now = dt.datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)
    package = sourcing.package(world.broker, now=clock.now)

    first = journey.person()
    keyboard_sign_in(first, journey.live_server, sourcing.first_user.email)
    first.goto(journey.url("/sourcing/offers/"))
    tab_to(first, named("reason"))
    first.keyboard.type("No carers free in CM1")
    tab_to(first, lambda f: f["text"] == "Decline offer")
    # A button answers Space as well as Enter.
    press(first, " ")
    assert f"You have declined {package.reference}" in (
        first.locator(".govuk-notification-banner").inner_text()
    )
    journey.seen(first, "an offer declined by keyboard")

    second = journey.person()
    keyboard_sign_in(second, journey.live_server, sourcing.second_user.email)
    second.goto(journey.url("/sourcing/offers/"))
    tab_to(second, lambda f: f["tag"] == "button" and f["text"].startswith("Accept"))
    press(second, "Enter")
    assert "A purchase order has been issued" in (
        second.locator(".govuk-notification-banner").inner_text()
    )
    journey.seen(second, "an offer accepted by keyboard")
    package.refresh_from_db()
    assert package.placed_with == sourcing.second.organisation
    journey.assert_accessible()
