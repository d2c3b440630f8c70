"""Grant the app role what the service needs and no more (core.roles); run as the owner."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from caremarket.core.roles import app_role_grants


class Command(BaseCommand):
    help = "Grant the PostgreSQL app role its privileges (run after migrate, as the owner role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, help="The role DATABASE_URL connects as")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's; SQLite has none to grant.")
        statements = app_role_grants(
            role=options["role"],
            database=connection.settings_dict["NAME"],
            quote=connection.ops.quote_name,
        )
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Granted {options['role']} its {len(statements)} privileges.")
