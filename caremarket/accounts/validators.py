"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string


class RepeatedCharacterValidator:
    """Refuses passwords made of a few characters or one short piece repeated.

    Twelve characters is no protection when they are "aaaaaaaaaaaa" or "abcabcabcabc": both
    pass the length rule and neither is on the common-password list.
    """

    def __init__(self, min_distinct: int = 5):
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        text = password.lower()
        repeated = any(
            len(text) % size == 0 and text == text[:size] * (len(text) // size)
            for size in range(1, max(1, len(text) // 2) + 1)
        )
        if repeated or len(set(text)) < self.min_distinct:
            raise ValidationError(
                f"This password repeats too few characters: use at least {self.min_distinct}"
                " different characters, not one short piece repeated.",
                code="password_repetitive",
            )

    def get_help_text(self) -> str:
        return f"Your password must use at least {self.min_distinct} different characters."


class DemoPasswordValidator:
    """Refuses the published demo password everywhere but a demo site (settings.DEMO_SITE)."""

    def validate(self, password: str, user: Any = None) -> None:
        if settings.DEMO_SITE:
            return
        if password == import_string(settings.DEMO_PASSWORD):
            raise ValidationError(
                "This is the demo's published password: choose one of your own.",
                code="password_demo",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be the demo's published password."
