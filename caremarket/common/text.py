"""Counts written as a person reads them: "1 unoccupied room", "2 unoccupied rooms"."""

from __future__ import annotations


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``number`` and the noun phrase that agrees with it; ``plural`` when adding "s" is wrong."""
    if number == 1:
        return f"1 {singular}"
    return f"{number} {plural if plural is not None else singular + 's'}"
