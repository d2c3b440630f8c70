"""Data leaves only where it should: no caching of personal pages, one-line names."""

from __future__ import annotations

import pytest
from django.utils import timezone

from caremarket.accounts.models import OrganisationKind
from caremarket.accounts.services import api_token_create, organisation_create
from caremarket.common.errors import ValidationFailed
from caremarket.common.services import ONE_LINE


def test_signed_in_pages_and_api_answers_are_never_stored(world, client):
    page = world.client_for(world.broker).get("/accounts/account/")
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    _, secret = api_token_create(actor=world.broker, name="crm", now=timezone.now())
    api = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]
    public = client.get("/accessibility/")
    assert "no-store" not in public.get("Cache-Control", "")


@pytest.mark.parametrize(
    "name", ["Willow\nBcc: everyone@x.test", "Willow\rHome", "Wil\x00low", "A\tB"]
)
def test_a_name_with_a_line_break_or_control_character_is_refused(world, name):
    with pytest.raises(ValidationFailed) as refused:
        organisation_create(
            now=timezone.now(),
            actor=world.council_admin,
            name=name,
            kind=OrganisationKind.CARE_HOME_PROVIDER,
        )
    assert refused.value.errors == {"name": [ONE_LINE]}


def test_the_api_docs_come_from_the_services_own_files_under_the_csp(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/swagger-ui/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    bundle = client.get("/static/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200
