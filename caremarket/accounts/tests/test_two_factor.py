"""Two-factor sign-in (issue 11 item 5, decision 0081): enrolment, the code step, backup codes,
the throttle, the setting that makes it required for council staff, removal and reset."""

from __future__ import annotations

import datetime as dt
import time
from binascii import unhexlify

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from caremarket.accounts import services, throttle
from caremarket.accounts.services import (
    api_token_create,
    totp_key_generate,
    user_two_factor_enrol,
    user_two_factor_reset,
)
from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.conftest import PASSWORD


def code(key: str, *, steps_ahead: int = 0, at: float | None = None) -> str:
    """What an authenticator app holding ``key`` shows (``steps_ahead`` 30-second steps on)."""
    totp = TOTP(unhexlify(key.encode()))
    totp.time = (time.time() if at is None else at) + 30 * steps_ahead
    return f"{totp.token():06d}"


def enrol(user) -> tuple[str, list[str]]:
    key = totp_key_generate()
    return key, user_two_factor_enrol(user=user, key=key, code=code(key), now=timezone.now())


def password_step(client: Client, email: str, password: str = PASSWORD):
    return client.post(
        reverse("accounts:sign-in"),
        {"username": email, "password": password},
        REMOTE_ADDR="203.0.113.7",
    )


def code_step(client: Client, value: str):
    return client.post(reverse("accounts:sign-in-code"), {"code": value})


def signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:account")).status_code == 200


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
        .filter(action__startswith="user.two_factor")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_enrolment_needs_a_right_code_from_the_app_and_gives_ten_single_use_backup_codes(world):
    user = world.home_care_admin
    key = totp_key_generate()
    with pytest.raises(ValidationFailed):
        user_two_factor_enrol(user=user, key=key, code=code(key, steps_ahead=3), now=timezone.now())
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert actions(user) == []

    codes = user_two_factor_enrol(user=user, key=key, code=code(key), now=timezone.now())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert actions(user) == ["user.two_factor_enrolled"]


def test_the_app_code_is_checked_at_the_time_the_service_is_given(world):
    user = world.home_care_admin
    key = totp_key_generate()
    then = timezone.now() - dt.timedelta(hours=1)
    # A code from an hour ago is right for "an hour ago" and wrong now.
    old_code = code(key, at=then.timestamp())
    with pytest.raises(ValidationFailed):
        user_two_factor_enrol(user=user, key=key, code=old_code, now=timezone.now())
    user_two_factor_enrol(user=user, key=key, code=old_code, now=then)


def test_the_password_alone_does_not_sign_an_enrolled_person_in(world):
    key, _ = enrol(world.home_care_admin)
    client = Client()
    response = password_step(client, world.home_care_admin.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign-in-code")
    assert not signed_in(client)
    # Nor can the API be reached with that half-finished session.
    assert client.get("/api/v1/me").status_code == 401

    assert code_step(client, code(key, steps_ahead=1)).status_code == 302
    assert signed_in(client)


def test_a_wrong_code_says_so_signs_nobody_in_and_is_audited(world):
    user = world.home_care_admin
    key, _ = enrol(user)
    client = Client()
    password_step(client, user.email)
    response = code_step(client, code(key, steps_ahead=5))
    assert response.status_code == 200
    assert services.CODE_WRONG_BACKUP in response.content.decode()
    assert not signed_in(client)
    assert actions(user) == ["user.two_factor_enrolled", "user.two_factor_failed"]


def test_a_code_used_once_cannot_be_used_again(world):
    user = world.home_care_admin
    key, _ = enrol(user)
    first = Client()
    password_step(first, user.email)
    right = code(key, steps_ahead=1)
    code_step(first, right)
    assert signed_in(first)
    second = Client()
    password_step(second, user.email)
    code_step(second, right)
    assert not signed_in(second)


def test_a_backup_code_works_once(world):
    user = world.home_care_admin
    _, codes = enrol(user)
    first = Client()
    password_step(first, user.email)
    # Typed as people copy it: upper case with a space in it.
    assert code_step(first, f"{codes[0][:4].upper()} {codes[0][4:]}").status_code == 302
    assert signed_in(first)
    assert StaticToken.objects.filter(device__user=user).count() == 9

    again = Client()
    password_step(again, user.email)
    response = code_step(again, codes[0])
    assert services.CODE_WRONG_BACKUP in response.content.decode()
    assert not signed_in(again)
    assert code_step(again, codes[1]).status_code == 302
    assert signed_in(again)
    assert "user.two_factor_backup_code_used" in actions(user)


def test_guessing_codes_is_throttled_even_when_the_guess_is_finally_right(world):
    user = world.home_care_admin
    key, codes = enrol(user)
    client = Client()
    password_step(client, user.email)
    for n in range(throttle.SECOND_FACTOR_PER_USER.attempts):
        assert code_step(client, f"{n:06d}x").status_code == 200
    assert code_step(client, codes[0]).status_code == 429
    assert not signed_in(client)
    # The counter is the account's: a fresh session after the password again is refused too.
    fresh = Client()
    password_step(fresh, user.email)
    assert code_step(fresh, code(key, steps_ahead=1)).status_code == 429


def test_the_code_step_expires(world, settings):
    user = world.home_care_admin
    key, _ = enrol(user)
    client = Client()
    password_step(client, user.email)
    session = client.session
    pending = session["two_factor_pending"]
    pending["at"] -= 11 * 60
    session["two_factor_pending"] = pending
    session.save()
    response = code_step(client, code(key, steps_ahead=1))
    assert response["Location"] == reverse("accounts:sign-in")
    assert not signed_in(client)


def test_council_staff_must_set_up_the_app_when_the_setting_says_so(world, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_COUNCIL = True
    broker = Client()
    response = password_step(broker, world.broker.email)
    assert response["Location"] == reverse("accounts:sign-in-set-up")
    assert not signed_in(broker)
    page = broker.get(reverse("accounts:sign-in-set-up"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    key = broker.session["two_factor_key"]
    wrong = broker.post(reverse("accounts:sign-in-set-up"), {"code": code(key, steps_ahead=4)})
    assert services.CODE_WRONG in wrong.content.decode()
    assert not signed_in(broker)
    done = broker.post(reverse("accounts:sign-in-set-up"), {"code": code(key)})
    assert done.status_code == 200
    assert signed_in(broker)
    assert StaticToken.objects.filter(device__user=world.broker).count() == 10

    # Providers are not council staff: their password alone still signs them in.
    provider = Client()
    assert password_step(provider, world.care_home_admin.email)["Location"] == "/"
    assert signed_in(provider)


def test_without_the_setting_council_staff_sign_in_with_a_password(world, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_COUNCIL = False
    client = Client()
    assert password_step(client, world.broker.email)["Location"] == "/"
    assert signed_in(client)


def test_anyone_may_set_it_up_from_the_account_page(world):
    client = world.client_for(world.care_home_user)
    assert "Set up two-factor sign-in" in client.get(reverse("accounts:account")).content.decode()
    client.get(reverse("accounts:two-factor-set-up"))
    # Opening the page stores nothing until a code proves the app.
    assert not TOTPDevice.objects.filter(user=world.care_home_user).exists()
    key = client.session["two_factor_key"]
    response = client.post(reverse("accounts:two-factor-set-up"), {"code": code(key)})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert "unused backup codes" not in response.content.decode()
    account = client.get(reverse("accounts:account")).content.decode()
    assert "10 unused backup codes" in account


def test_turning_it_off_needs_a_code_and_is_refused_when_required(world, settings):
    user = world.care_home_user
    key, _ = enrol(user)
    client = world.client_for(user)
    url = reverse("accounts:two-factor-remove")
    wrong = client.post(url, {"code": code(key, steps_ahead=6)})
    assert services.CODE_WRONG in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()
    assert client.post(url, {"code": code(key, steps_ahead=1)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert actions(user)[-2:] == ["user.two_factor_failed", "user.two_factor_removed"]

    settings.TWO_FACTOR_REQUIRED_FOR_COUNCIL = True
    key, _ = enrol(world.broker)
    with pytest.raises(NotPermitted):
        services.user_two_factor_remove(
            user=world.broker, code=code(key, steps_ahead=1), now=timezone.now()
        )
    assert TOTPDevice.objects.filter(user=world.broker).exists()


def test_an_administrator_resets_a_lost_phone_and_it_is_audited(world):
    enrol(world.broker)
    with pytest.raises(NotPermitted):
        user_two_factor_reset(actor=world.care_home_admin, user=world.broker, now=timezone.now())
    # An administrator's own app is changed on the account page, with a code from it.
    enrol(world.council_admin)
    with pytest.raises(ValidationFailed):
        user_two_factor_reset(
            actor=world.council_admin, user=world.council_admin, now=timezone.now()
        )
    assert TOTPDevice.objects.filter(user__in=[world.broker, world.council_admin]).count() == 2

    admin = world.client_for(world.council_admin)
    detail = admin.get(reverse("accounts:user-detail", args=[world.broker.pk]))
    assert "Reset two-factor sign-in" in detail.content.decode()
    admin.post(reverse("accounts:user-two-factor-reset", args=[world.broker.pk]))
    assert not TOTPDevice.objects.filter(user=world.broker).exists()
    event = AuditEvent.objects.get(action="user.two_factor_reset")
    assert event.actor_id == world.council_admin.pk
    assert event.object_id == str(world.broker.pk)
    # Their password alone signs them in again (the setting is off in the tests).
    client = Client()
    password_step(client, world.broker.email)
    assert signed_in(client)


def test_a_provider_administrator_cannot_reset_another_organisations_user(world):
    enrol(world.care_home_user)
    other = world.client_for(world.other_care_home_admin)
    response = other.post(reverse("accounts:user-two-factor-reset", args=[world.care_home_user.pk]))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=world.care_home_user).exists()


def test_api_tokens_are_unaffected(world, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_COUNCIL = True
    enrol(world.broker)
    _, raw = api_token_create(actor=world.broker, name="Case system", now=timezone.now())
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_moving_to_a_new_phone_takes_a_code_from_the_old_one(world):
    user = world.care_home_user
    old_key, backup = enrol(user)
    client = world.client_for(user)
    url = reverse("accounts:two-factor-set-up")
    client.get(url)
    new_key = client.session["two_factor_key"]
    assert new_key != old_key
    # A session left open is not enough: the new app's code alone is refused.
    alone = client.post(url, {"code": code(new_key)})
    assert "Enter a code from the app you use now" in alone.content.decode()
    wrong = client.post(url, {"current_code": "000000", "code": code(new_key)})
    assert services.CODE_WRONG_BACKUP in wrong.content.decode()
    assert TOTPDevice.objects.get(user=user).key == old_key
    assert actions(user)[-1] == "user.two_factor_failed"

    moved = client.post(url, {"current_code": backup[0], "code": code(new_key)})
    assert len(moved.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=user).key == new_key
    assert not StaticToken.objects.filter(device__user=user, token=backup[1]).exists()


def test_resetting_someone_without_two_factor_says_nothing_was_reset(world):
    admin = world.client_for(world.council_admin)
    response = admin.post(
        reverse("accounts:user-two-factor-reset", args=[world.broker.pk]), follow=True
    )
    assert (
        f"{world.broker.email} had no two-factor app or backup codes: nothing was reset."
        in response.content.decode()
    )
    assert not AuditEvent.objects.filter(action="user.two_factor_reset").exists()
