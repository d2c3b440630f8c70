import json

import pytest
from openapi_spec_validator import validate

ROLE_NAV = {
    None: {"Find a care home"},
    "council_admin": {"Users", "Organisations", "Audit trail"},
    "broker": set(),
    "care_home_admin": {"Users"},
    "care_home_user": set(),
}


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] is True


def test_openapi_document_is_valid_openapi_3(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me" in spec["paths"]


def test_interactive_docs_are_served(client, db):
    assert client.get("/api/v1/docs").status_code == 200


def test_pages_carry_security_headers(client, db):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_header_has_the_council_name_and_no_crown(client, db):
    body = client.get("/").content.decode()
    assert "Essex County Council" in body
    assert "govuk-logo" not in body and "crown" not in body.lower()


@pytest.mark.parametrize(
    "persona", ["council_admin", "broker", "care_home_admin", "care_home_user"]
)
def test_navigation_fits_the_role(world, persona):
    body = world.client_for(getattr(world, persona)).get("/").content.decode()
    for label in ROLE_NAV[persona]:
        assert f">{label}<" in body
    if persona != "council_admin":
        assert ">Audit trail<" not in body and ">Organisations<" not in body


def test_unknown_page_is_a_friendly_404(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("persona", [None, "council_admin"])
def test_pages_have_no_inline_styles_or_scripts_that_the_csp_would_block(world, persona):
    client = world.client_for(getattr(world, persona) if persona else None)
    for url in ["/", "/accounts/sign-in/", "/accounts/account/" if persona else "/privacy/"]:
        body = client.get(url, follow=True).content.decode()
        assert ' style="' not in body, url
        assert "<script>" not in body, url


@pytest.mark.parametrize(
    "who",
    [
        None,
        "council_admin",
        "broker",
        "contract_manager",
        "health_searcher",
        "care_home_user",
        "care_home_admin",
        "home_care_admin",
        "home_care_user",
    ],
)
def test_no_header_or_footer_link_answers_page_not_found(world, who):
    import re

    client = world.client_for(getattr(world, who) if who else None)
    page = client.get("/").content.decode()
    chrome = page.split("<main")[0] + page.split("</main>")[1]
    links = {u for u in re.findall(r'href="(/[^"#]*)"', chrome) if not u.startswith("/static/")}
    broken = {u: client.get(u).status_code for u in links}
    assert links and not {u: s for u, s in broken.items() if s == 404}, broken


def test_the_accessibility_statement_says_compliance_known_issues_contact_and_date(settings):
    from django.test import Client

    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@essex.example"
    settings.ACCESSIBILITY_CHECKED_ON = "2026-12-02"
    page = Client().get("/accessibility/").content.decode()
    assert "partially compliant" in page and "WCAG" in page
    assert 'data-testid="known-issues"' in page
    assert 'href="mailto:access@essex.example"' in page
    assert "last checked on 2 December 2026" in page
