"""Rules on the templates themselves, for what a page with small test data would not show."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = settings.BASE_DIR / "caremarket" / "templates"


def test_every_scrolling_table_region_is_focusable_and_labelled():
    # At 320 px a wide table scrolls inside its region; keyboard users need to reach it.
    bad = []
    for path in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<div[^>]*\bcm-table-scroll\b[^>]*>", path.read_text()):
            if not all(a in tag for a in ('tabindex="0"', 'role="region"', "aria-label=")):
                bad.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert not bad, "\n".join(bad)


def test_data_tables_on_list_pages_scroll_in_a_region():
    # The tables that overflowed at 320 px with real data (long names, many columns).
    for name in (
        "carehomes/home_rooms.html",
        "carehomes/request_list.html",
        "carehomes/room_timeline.html",
        "carehomes/home_list.html",
        "accounts/user_list.html",
    ):
        text = Path(TEMPLATES / name).read_text()
        assert re.search(r'cm-table-scroll"[^>]*>\s*<table', text), name
