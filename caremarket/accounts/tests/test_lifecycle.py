"""Account lifecycle as the seed's FAQ describes it (issue 11 item 6)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts import services
from caremarket.accounts.models import Role, User
from caremarket.common.errors import Conflict
from caremarket.conftest import PASSWORD


def test_reactivating_an_active_account_is_refused_and_keeps_its_password(world):
    with pytest.raises(Conflict):
        services.user_reactivate(
            actor=world.council_admin, user=world.broker, full_name="X", now=timezone.now()
        )
    world.broker.refresh_from_db()
    assert world.broker.check_password(PASSWORD) and world.broker.full_name != "X"
    api = world.client_for(world.council_admin).post(
        f"/api/v1/users/{world.broker.pk}/reactivate",
        {"full_name": "X", "send_password_reset": True},
        content_type="application/json",
    )
    assert api.status_code == 409
    world.broker.refresh_from_db()
    assert world.broker.check_password(PASSWORD)


def test_a_new_holder_ends_the_previous_holders_sessions_and_tokens_and_gets_a_reset(
    world, django_capture_on_commit_callbacks
):
    previous = Client()
    assert (
        previous.post(
            reverse("accounts:sign-in"), {"username": world.broker.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    token, secret = services.api_token_create(actor=world.broker, name="laptop", now=timezone.now())
    # Deactivated while the old holder's session was still stored; then passed on.
    User.objects.filter(pk=world.broker.pk).update(is_active=False)
    world.broker.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.user_reactivate(
            actor=world.council_admin,
            user=world.broker,
            full_name="Next Broker",
            send_password_reset=False,  # a new holder gets one anyway
            now=timezone.now(),
        )
    world.broker.refresh_from_db()
    assert not world.broker.has_usable_password()
    assert mail.outbox[-1].to == [world.broker.email]
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(world.broker.pk) for s in Session.objects.all()
    )
    assert previous.get(reverse("accounts:account")).status_code == 302  # back to sign-in
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_the_reactivation_form_keeps_what_was_typed_and_the_accounts_details(world):
    User.objects.filter(pk=world.care_home_user.pk).update(is_active=False)
    client = world.client_for(world.council_admin)
    response = client.post(
        reverse("accounts:user-reactivate", args=[world.care_home_user.pk]),
        {"full_name": "", "send_password_reset": "on"},
    )
    assert response.status_code == 400
    details = response.context["form"]
    assert details.initial["email"] == world.care_home_user.email
    assert details.initial["role"] == Role.PROVIDER_USER
    html = response.content.decode()
    assert f'value="{world.care_home_user.email}"' in html


def test_a_new_users_role_has_no_default(world):
    client = world.client_for(world.care_home_admin)
    page = client.get(reverse("accounts:user-create"))
    assert page.context["form"].fields["role"].choices[0] == ("", "Choose a role")
    response = client.post(
        reverse("accounts:user-create"),
        {"full_name": "Careless Save", "email": "careless@willow.test", "job_title": ""},
    )
    assert response.status_code == 200
    assert "Choose the person&#x27;s role." in response.content.decode()
    assert not User.objects.filter(email="careless@willow.test").exists()
    # What was typed is kept.
    assert 'value="careless@willow.test"' in response.content.decode()


def test_the_api_names_the_same_field_whether_or_not_an_email_exists_elsewhere(world):
    client = world.client_for(world.care_home_admin)

    def create(email: str, role: str) -> dict:
        response = client.post(
            "/api/v1/users",
            {"email": email, "full_name": "Someone", "role": role},
            content_type="application/json",
        )
        assert response.status_code == 422
        return response.json()

    taken = create("broker@council.test", "broker")  # a council address, a role not allowed
    free = create("nobody-here@council.test", "broker")
    assert taken.get("errors") == free.get("errors")
    assert "email" not in str(taken.get("errors"))
