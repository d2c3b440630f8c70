"""Sets of options stored as one integer bitmask, so search can filter them in one expression.

The bit of an option is its position in the class: add new options at the end only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class FlagChoices(models.TextChoices):
    @classmethod
    def bit(cls, code: str) -> int:
        return 1 << list(cls.values).index(code)

    @classmethod
    def mask(cls, codes: Iterable[str]) -> int:
        value = 0
        for code in codes:
            value |= cls.bit(code)
        return value

    @classmethod
    def codes(cls, mask: int) -> list[str]:
        return [code for i, code in enumerate(cls.values) if mask & (1 << i)]

    @classmethod
    def labels_of(cls, mask: int) -> list[str]:
        return [str(label) for i, label in enumerate(cls.labels) if mask & (1 << i)]
