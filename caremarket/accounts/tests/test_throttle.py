"""Sign-in throttling that cannot be dodged or turned on the victim; resets throttled, audited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from caremarket.accounts import throttle
from caremarket.audit.models import AuditEvent
from caremarket.conftest import PASSWORD


def sign_in(client, email, password=PASSWORD, address="203.0.113.7"):
    return client.post(
        reverse("accounts:sign-in"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def test_changing_case_or_adding_spaces_does_not_reset_the_counter(world, settings):
    client = Client()
    spellings = [
        "broker@council.test",
        "BROKER@council.test",
        " broker@council.test ",
        "Broker@Council.Test",
        "broker@COUNCIL.test",
    ]
    # Axes answers the failure that reaches the limit with the lock-out itself.
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT - 1]:
        assert sign_in(client, spelling, "wrong-password").status_code == 200
    assert sign_in(client, "bRoKeR@council.test", "another-guess").status_code == 429
    assert sign_in(client, " Broker@council.test").status_code == 429


def test_a_stranger_cannot_lock_the_owner_out_from_elsewhere(world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        sign_in(Client(), "broker@council.test", "wrong-password", address="198.51.100.9")
    owner = sign_in(Client(), "broker@council.test", address="203.0.113.50")
    assert owner.status_code == 302


def test_one_address_trying_many_emails_is_slowed(world, settings):
    client = Client()
    for n in range(throttle.SIGN_IN_PER_ADDRESS.attempts):
        assert sign_in(client, f"guess{n}@council.test", "wrong-password").status_code == 200
    refused = sign_in(client, "broker@council.test")
    assert refused.status_code == 429
    # Another address is not affected.
    assert sign_in(Client(), "broker@council.test", address="203.0.113.99").status_code == 302


def test_the_client_address_behind_a_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert throttle.client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    # The left-most entry was written by the client: only the proxy's own entry is trusted.
    assert throttle.client_ip(request) == "198.51.100.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert throttle.client_ip(request) == "1.2.3.4"


def test_a_reset_link_uses_site_url_never_the_host_header_and_is_audited(
    world, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://care.essex.example"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    client = Client(HTTP_HOST="evil.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password-reset"), {"email": "Broker@council.test "}
        )
    assert response.status_code == 302
    body = mail.outbox[-1].body
    assert "https://care.essex.example/accounts/reset/" in body and "evil.example" not in body
    assert AuditEvent.objects.filter(
        action="user.password_reset_requested", object_id=str(world.broker.pk)
    ).exists()
    link = re.search(r"https://care\.essex\.example(/accounts/reset/\S+)", body).group(1)
    form = client.get(link, follow=True)
    new = "a-new-long-passphrase-42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    world.broker.refresh_from_db()
    assert world.broker.check_password(new)
    assert AuditEvent.objects.filter(
        action="user.password_reset_completed", object_id=str(world.broker.pk)
    ).exists()


def test_reset_requests_are_throttled_per_email_and_per_address(
    world, django_capture_on_commit_callbacks
):
    client = Client()
    for _ in range(throttle.RESET_PER_EMAIL.attempts + 3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:password-reset"), {"email": "broker@council.test"}
            )
        assert response.status_code == 302  # the same answer: nothing revealed
    assert len(mail.outbox) == throttle.RESET_PER_EMAIL.attempts
    for n in range(throttle.RESET_PER_ADDRESS.attempts):
        client.post(reverse("accounts:password-reset"), {"email": f"x{n}@x.test"})
    assert client.post(reverse("accounts:password-reset"), {"email": "y@x.test"}).status_code == 429


@pytest.mark.parametrize("right_after", [True, False])
def test_the_current_password_check_is_throttled(world, right_after):
    client = world.client_for(world.broker)
    for _ in range(throttle.CURRENT_PASSWORD_PER_USER.attempts):
        wrong = client.post(
            reverse("accounts:account"),
            {"current_password": "guess-guess", "new_password": "a-new-long-passphrase-42"},
        )
        assert wrong.status_code == 200
    current = PASSWORD if right_after else "guess-again"
    refused = client.post(
        reverse("accounts:account"),
        {"current_password": current, "new_password": "a-new-long-passphrase-42"},
    )
    assert refused.status_code == 429
    world.broker.refresh_from_db()
    assert world.broker.check_password(PASSWORD)
