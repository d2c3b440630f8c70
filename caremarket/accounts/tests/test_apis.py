import datetime as dt

from django.test import Client

from caremarket.accounts import services

NOW = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_refuses_anonymous_callers(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "NotAuthenticated"


def test_token_authenticates_and_revoked_token_does_not(client, world):
    token, raw = services.api_token_create(actor=world.broker, name="Case system", now=NOW)
    response = client.get("/api/v1/me", **bearer(raw))
    assert response.status_code == 200 and response.json()["email"] == "broker@council.test"
    services.api_token_revoke(actor=world.broker, token=token, now=NOW)
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_token_of_a_deactivated_user_stops_working(client, world):
    _, raw = services.api_token_create(actor=world.broker, name="Case system", now=NOW)
    world.broker.is_active = False
    world.broker.save()
    assert client.get("/api/v1/me", **bearer(raw)).status_code == 401


def test_token_lifecycle_through_the_api(world):
    client = world.client_for(world.broker)
    created = client.post("/api/v1/tokens", {"name": "Robot"}, content_type="application/json")
    assert created.status_code == 201
    raw = created.json()["token"]
    listed = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["Robot"] and "token" not in listed[0]
    assert client.delete(f"/api/v1/tokens/{created.json()['id']}").status_code == 204
    assert Client().get("/api/v1/me", **bearer(raw)).status_code == 401


def test_provider_admin_sees_only_own_users(world):
    client = world.client_for(world.care_home_admin)
    emails = {u["email"] for u in client.get("/api/v1/users").json()["items"]}
    assert emails == {"manager@willow.test", "staff@willow.test"}


def test_provider_admin_gets_404_for_another_organisations_user(world):
    client = world.client_for(world.care_home_admin)
    other = world.other_care_home_admin.pk
    assert client.get(f"/api/v1/users/{other}").status_code == 404
    assert (
        client.patch(
            f"/api/v1/users/{other}", {"full_name": "X"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.post(f"/api/v1/users/{other}/deactivate").status_code == 404


def test_provider_admin_cannot_create_users_elsewhere(world):
    client = world.client_for(world.care_home_admin)
    response = client.post(
        "/api/v1/users",
        {
            "organisation_id": world.other_care_home_provider.pk,
            "email": "spy@birch.test",
            "full_name": "Spy",
            "role": "provider_user",
        },
        content_type="application/json",
    )
    assert response.status_code == 404


def test_duplicate_email_answers_422_naming_the_field(world):
    client = world.client_for(world.council_admin)
    response = client.post(
        "/api/v1/users",
        {
            "organisation_id": world.council.pk,
            "email": "Broker@Council.test",
            "full_name": "Copy",
            "role": "broker",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "email" in response.json()["errors"]


def test_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.broker)
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)


def test_reactivate_through_the_api(world):
    client = world.client_for(world.council_admin)
    client.post(f"/api/v1/users/{world.broker.pk}/deactivate")
    response = client.post(
        f"/api/v1/users/{world.broker.pk}/reactivate",
        {"full_name": "Next Broker"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is True and response.json()["full_name"] == "Next Broker"
