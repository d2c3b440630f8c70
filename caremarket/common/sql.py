"""Plain SQL where the ORM is not the tool: statements that differ by database (triggers), and
the few reads on every request whose statement the ORM would build again each time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import db
from django.db.models import Model

M = TypeVar("M", bound=Model)


def sql_run_for_vendor(
    connection: Any, *, postgresql: Sequence[str], sqlite: Sequence[str]
) -> None:
    statements = postgresql if connection.vendor == "postgresql" else sqlite
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@dataclass(frozen=True)
class SqlColumns(Generic[M]):
    """A model's concrete fields as a select list, and the way back from those values in a row
    to the instance the ORM would have loaded, its converters applied (SQLite, for one, hands
    back date-times without their zone, which the ORM's converters restore)."""

    model: type[M]
    select: str
    names: list[str]
    fields: list[tuple[Any, list[Callable[..., Any]]]]  # (column expression, converters)

    def instance(self, values: Sequence[Any]) -> M:
        converted = list(values)
        for i, (expression, converters) in enumerate(self.fields):
            for convert in converters:
                converted[i] = convert(converted[i], expression, db.connection)
        return self.model.from_db(db.connection.alias, self.names, converted)


def sql_columns(model: type[M], alias: str) -> SqlColumns[M]:
    """`alias.column, ...` for every concrete field of `model`, for a statement the ORM would
    otherwise build again on every call (build it once; `SqlColumns.instance` reads rows)."""
    quote, ops = db.connection.ops.quote_name, db.connection.ops
    fields = model._meta.concrete_fields
    expressions = [f.get_col(alias) for f in fields]
    return SqlColumns(
        model=model,
        select=", ".join(f"{alias}.{quote(f.column)}" for f in fields),
        names=[f.attname for f in fields],
        fields=[
            (e, [*ops.get_db_converters(e), *e.get_db_converters(db.connection)])
            for e in expressions
        ],
    )
