import pytest
from django.core import mail
from django.urls import reverse

from caremarket.accounts.models import User
from caremarket.conftest import PASSWORD


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("accounts:sign-in"), {"username": email, "password": password})


def test_sign_in_ignores_the_case_of_the_email(client, world):
    response = sign_in(client, "BROKER@council.TEST")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.broker.pk)


def test_wrong_password_gets_a_clear_message(client, world):
    response = sign_in(client, "broker@council.test", "wrong-password")
    assert response.status_code == 200
    assert "Enter a correct e-mail address and password" in response.content.decode()


def test_deactivated_account_is_told_so_when_the_password_is_right(client, world):
    world.broker.is_active = False
    world.broker.save()
    response = sign_in(client, "broker@council.test")
    assert "This account has been deactivated" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_account_is_not_revealed_to_a_guesser(client, world):
    world.broker.is_active = False
    world.broker.save()
    response = sign_in(client, "broker@council.test", "guess-guess-guess")
    assert "deactivated" not in response.content.decode()


def test_repeated_failures_lock_the_sign_in(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "broker@council.test", "wrong-password")
    response = sign_in(client, "broker@council.test")  # even the right password now waits
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_password_reset_sends_a_link(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "broker@council.test"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["broker@council.test"]


def test_a_deactivated_users_session_stops_working(client, world):
    client.force_login(world.broker)
    world.broker.is_active = False
    world.broker.save()
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize("url_name", ["accounts:user-detail", "accounts:user-deactivate"])
def test_provider_admin_cannot_see_another_organisations_users(world, url_name):
    client = world.client_for(world.care_home_admin)
    url = reverse(url_name, args=[world.other_care_home_admin.pk])
    response = client.post(url) if "deactivate" in url_name else client.get(url)
    assert response.status_code == 404
    world.other_care_home_admin.refresh_from_db()
    assert world.other_care_home_admin.is_active


def test_provider_admin_lists_only_their_own_people(world):
    response = world.client_for(world.care_home_admin).get(reverse("accounts:user-list"))
    body = response.content.decode()
    assert "staff@willow.test" in body
    assert "manager@birch.test" not in body and "broker@council.test" not in body


def test_provider_admin_adds_a_colleague(world):
    client = world.client_for(world.care_home_admin)
    response = client.post(
        reverse("accounts:user-create"),
        {
            "full_name": "Nia Nurse",
            "email": "nia@willow.test",
            "role": "provider_user",
            "job_title": "Nurse",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="nia@willow.test").organisation == world.care_home_provider


def test_duplicate_email_in_the_form_names_the_field(world):
    client = world.client_for(world.care_home_admin)
    response = client.post(
        reverse("accounts:user-create"),
        {
            "full_name": "Copy",
            "email": "STAFF@willow.test",
            "role": "provider_user",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_provider_user_has_no_user_management(world):
    response = world.client_for(world.care_home_user).get(reverse("accounts:user-list"))
    assert response.status_code == 404


def test_council_admin_reactivates_and_renames(world):
    world.care_home_user.is_active = False
    world.care_home_user.save()
    client = world.client_for(world.council_admin)
    response = client.post(
        reverse("accounts:user-reactivate", args=[world.care_home_user.pk]),
        {"full_name": "New Holder", "send_password_reset": "on"},
    )
    assert response.status_code == 302
    world.care_home_user.refresh_from_db()
    assert world.care_home_user.is_active and world.care_home_user.full_name == "New Holder"


def test_token_is_shown_once_and_can_be_revoked(world):
    client = world.client_for(world.broker)
    response = client.post(reverse("accounts:token-create"), {"name": "Case system"})
    assert "cm_" in response.content.decode()
    token = world.broker.api_tokens.get()
    client.post(reverse("accounts:token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_invited_user_who_never_set_a_password_can_still_ask_for_a_link(
    client, world, django_capture_on_commit_callbacks
):
    world.broker.set_unusable_password()
    world.broker.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "Broker@council.test"})
    assert mail.outbox[-1].to == ["broker@council.test"]
