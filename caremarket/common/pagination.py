"""One pagination for every list in the API: `limit` and `offset`, answered with a `count`.

The bounds are the ones the request guard (core.middleware) enforces for pages as well, so a
page size of 60,000 or an offset of 1e20 is refused before any query runs: PostgreSQL raises on
an OFFSET beyond a bigint, and a huge page costs seconds and megabytes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT: int = settings.NINJA_PAGINATION_PER_PAGE
MAX_LIMIT: int = settings.NINJA_PAGINATION_MAX_LIMIT
# Far beyond any list the service holds, well inside a 32-bit integer on every database.
MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`; the answer is `{"items": [...], "count": total}`."""

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT} items a page"
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


def page_bounds(*, limit: int, offset: int) -> tuple[int, int]:
    """The page an endpoint paginating by hand may serve: limit in 1..MAX_LIMIT, offset >= 0."""
    return max(1, min(limit, MAX_LIMIT)), max(0, min(offset, MAX_OFFSET))
