"""Raw SQL that differs by database (triggers): run the statements written for this one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def sql_run_for_vendor(
    connection: Any, *, postgresql: Sequence[str], sqlite: Sequence[str]
) -> None:
    statements = postgresql if connection.vendor == "postgresql" else sqlite
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
