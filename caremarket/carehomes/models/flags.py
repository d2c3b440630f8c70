"""Sets of options stored as one integer bitmask, so search can filter them in one expression.

The bit of an option is its position in the class: add new options at the end only.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db import models


@functools.cache
def _members(cls: type[FlagChoices]) -> tuple[tuple[int, str, str], ...]:
    # (bit, code, label); Choices.values rebuilds its list on every call, and search uses these
    # for every room it shows.
    return tuple((1 << i, str(m.value), str(m.label)) for i, m in enumerate(cls))


class FlagChoices(models.TextChoices):
    @classmethod
    def bit(cls, code: str) -> int:
        for bit, value, _ in _members(cls):
            if value == code:
                return bit
        raise ValueError(f"{code!r} is not a {cls.__name__}")

    @classmethod
    def mask(cls, codes: Iterable[str]) -> int:
        value = 0
        for code in codes:
            value |= cls.bit(code)
        return value

    @classmethod
    def codes(cls, mask: int) -> list[str]:
        return [code for bit, code, _ in _members(cls) if mask & bit]

    @classmethod
    def labels_of(cls, mask: int) -> list[str]:
        return [label for bit, _, label in _members(cls) if mask & bit]
