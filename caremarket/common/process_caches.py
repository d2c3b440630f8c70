"""Per-process memo caches that can all be forgotten at once.

A few reads (a postcode's position, a district by its code) change only when reference data is
loaded again, so a process keeps them in memory. Registering each such cache here lets whoever
reloads that data in this process, tests above all, forget every one of them in one call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_registered: list[Any] = []


def process_cached(*, maxsize: int) -> Callable[[F], F]:
    """`functools.lru_cache`, registered so that `process_caches_clear` empties it."""

    def wrap(function: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _registered.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


def process_caches_clear() -> None:
    for cached in _registered:
        cached.cache_clear()
