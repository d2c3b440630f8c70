"""Password rules: length, common passwords, repetition, and the demo's published password."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from caremarket.accounts.demo import DEMO_PASSWORD


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abcabcabcabc",
        "AbAbAbAbAbAbAb",
        "password1234",
        "short-pass",
        "123456789012",
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_varied_password_is_accepted():
    validate_password("tall-green-kettle-47")


def test_the_demo_password_is_refused_outside_a_demo_site(settings):
    settings.DEMO_SITE = True
    validate_password(DEMO_PASSWORD)
    settings.DEMO_SITE = False
    with pytest.raises(ValidationError, match="demo's published password"):
        validate_password(DEMO_PASSWORD)
