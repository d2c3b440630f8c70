"""Cached vacancy search answers, keyed by the search stamps of the homes they cover.

Every write that changes what search shows of a home gives it a new random `search_stamp` in
the same transaction (`services.common.home_touched`). An answer is cached under a key made of
the question and the count and sum of the stamps of every home in the searched area, read
*before* the answer is computed. So:

- once a change commits, the next search reads the new stamp and misses: no stale answer;
- a search that read the stamps before the commit, and computed its answer after, stores it
  under the old key, which no later search asks for;
- a rolled-back change leaves the old stamp, whose answer is still right.

Decision 17 explains why there is no invalidation to get wrong.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Q

from caremarket.carehomes.models import CareHome

log = logging.getLogger(__name__)
T = TypeVar("T")
# Bump when the cached shape changes, so a deploy never reads answers of the old shape.
ANSWER_FORMAT = 1
_STAMP_FIELDS = ("search_stamp", "district", "lat", "lng")


@dataclass(frozen=True)
class Scope:
    """The homes a search covers: a district, a box of latitude and longitude, or all."""

    district_id: int | None = None
    box: tuple[float, float, float, float] | None = None  # min_lat, max_lat, min_lng, max_lng

    def homes(self) -> Q:
        if self.district_id is not None:
            return Q(district_id=self.district_id)
        if self.box is not None:
            min_lat, max_lat, min_lng, max_lng = self.box
            return Q(lat__range=(min_lat, max_lat), lng__range=(min_lng, max_lng))
        return Q()


def scope_stamps(*, scope: Scope) -> tuple[int, int]:
    """How many homes the scope covers, active or not, and the sum of their stamps."""
    # Every cached search runs this, so it is one plain statement (the same on SQLite and
    # PostgreSQL) rather than an ORM aggregate, which costs four times the CPU to build.
    meta, quote = CareHome._meta, connection.ops.quote_name
    column = {f.name: quote(f.column) for f in meta.concrete_fields if f.name in _STAMP_FIELDS}
    # Identifiers from the model, values as parameters.
    sql = f"SELECT COUNT(*), SUM({column['search_stamp']}) FROM {quote(meta.db_table)}"  # noqa: S608
    params: list[float] = []
    if scope.district_id is not None:
        sql += f" WHERE {column['district']} = %s"
        params = [scope.district_id]
    elif scope.box is not None:
        sql += f" WHERE {column['lat']} BETWEEN %s AND %s AND {column['lng']} BETWEEN %s AND %s"
        params = list(scope.box)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        homes, stamps = cursor.fetchone()
    return int(homes), int(stamps or 0)


def answer_key(*, scope: Scope, asked: tuple[Any, ...], stamps: tuple[int, int]) -> str:
    parts = (ANSWER_FORMAT, scope, asked, stamps)
    return "vacancies:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def answer_cached(*, scope: Scope, asked: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """The cached answer to `asked` over `scope`, or `compute()` stored for the next search."""
    seconds = settings.VACANCY_SEARCH_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = answer_key(scope=scope, asked=asked, stamps=scope_stamps(scope=scope))
    cache = caches[settings.VACANCY_SEARCH_CACHE]
    try:
        found = cache.get(key)
    except Exception:  # a cache is a shortcut: when it is down, search still answers
        log.warning("Vacancy search cache unavailable", exc_info=True)
        return compute()
    if found is not None:
        return found
    found = compute()
    try:
        cache.set(key, found, seconds)
    except Exception:
        log.warning("Vacancy search cache unavailable", exc_info=True)
    return found
