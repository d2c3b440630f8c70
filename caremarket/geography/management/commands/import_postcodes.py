from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from caremarket.common.errors import DomainError
from caremarket.geography.services import postcode_import


class Command(BaseCommand):
    help = (
        "Import the ONS postcode directory CSV (ONSPD/NSPL: columns pcds, oslaua, lat, long,"
        " doterm). Keeps the council's districts and neighbours unless --all is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--all", action="store_true", help="Keep every postcode in the file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file.")
        with path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            try:
                run = postcode_import(stream=text, filename=path.name, keep_all=options["all"])
            except UnicodeDecodeError as exc:
                raise CommandError(
                    f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})."
                ) from exc
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.rows_read} rows read: {run.stored} postcodes stored, "
                f"{run.skipped_terminated} terminated skipped ({run.removed_terminated} removed), "
                f"{run.skipped_outside_area} outside the area, "
                f"{run.skipped_no_location} without a position."
            )
        )
