"""What schemathesis found (scripts/api-fuzz, issue 11 item 3), kept as tests: the API answers in
its own error shape with codes its document lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from caremarket.accounts.services import api_token_create

ERROR_KEYS = {"detail", "code"}


def test_an_unsafe_request_from_nobody_is_401_not_a_csrf_failure(db):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/tokens", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "NotAuthenticated"


def test_a_signed_in_session_without_the_csrf_token_is_refused_in_the_error_shape(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.broker)
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body.keys() >= ERROR_KEYS
    assert body["code"] == "CsrfFailed"


def test_a_book_of_care_without_a_file_is_a_422_its_document_describes(world):
    _, raw = api_token_create(actor=world.contract_manager, name="t", now=timezone.now())
    response = Client().post("/api/v1/care-book-imports", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422
    body = response.json()
    assert body.keys() >= ERROR_KEYS
    schema = Client().get("/api/v1/openapi.json").json()
    refused = schema["components"]["schemas"]["CareBookRefusedOut"]
    assert set(refused["required"]) <= body.keys()


@pytest.mark.parametrize(
    ("path", "method"),
    [("/api/v1/market", "get"), ("/api/v1/price-matrix", "get"), ("/api/v1/offers", "get")],
)
def test_every_signed_in_operation_documents_the_404_a_role_that_does_not_use_it_gets(
    db, path, method
):
    operation = Client().get("/api/v1/openapi.json").json()["paths"][path][method]
    assert {"401", "403", "404", "414", "500"} <= operation["responses"].keys()


def test_a_provider_asking_for_the_market_gets_the_documented_404(world):
    _, raw = api_token_create(actor=world.home_care_admin, name="t", now=timezone.now())
    response = Client().get("/api/v1/market", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"
