"""A member of the public finds a care home with vacancies using the keyboard only."""

import pytest

from caremarket.accessibility.journey import focused, press, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_public_search_a_home_and_open_it_with_the_keyboard_only(journey, estate):
    public = journey.person()
    public.goto(journey.url("/care-homes/search/"))
    # The first Tab reaches the skip link, which takes the focus past the header.
    public.keyboard.press("Tab")
    assert focused(public)["text"] == "Skip to main content"
    public.keyboard.press("Enter")
    assert public.evaluate("document.activeElement.id") == "main-content"

    tab_to(public, lambda f: f["name"] == "postcode")
    public.keyboard.type("CM1 1AA")
    tab_to(public, lambda f: f["name"] == "radius_km")
    # A closed select changes with the arrow keys: 10 km becomes 20 km.
    public.keyboard.press("ArrowDown")
    assert public.locator("#id_radius_km").input_value() == "20"
    tab_to(public, lambda f: f["type"] == "submit" and f["text"] == "Search")
    press(public, "Enter")
    assert "radius_km=20" in public.url
    count = public.get_by_test_id("result-count").inner_text()
    assert count.startswith("1 home with "), count
    journey.seen(public, "search results reached by keyboard")

    tab_to(public, lambda f: f["text"] == estate.home.name and "/care-homes/" in f["href"])
    press(public, "Enter")
    assert estate.home.name in public.locator("h1").inner_text()
    journey.seen(public, "a home's page reached by keyboard")
    journey.assert_accessible()
