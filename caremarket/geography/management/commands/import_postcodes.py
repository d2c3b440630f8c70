from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caremarket.common.errors import DomainError
from caremarket.geography.services import postcode_import


class Command(BaseCommand):
    help = (
        "Import the ONS postcode directory CSV as published (ONSPD or NSPL, with the headings"
        " before 2025 or after). Streams the file; keeps the council's districts and neighbours"
        " unless --all is given; bad rows are skipped and counted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--all", action="store_true", help="Keep every postcode in the file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file.")
        with path.open("rb") as raw:
            try:
                run = postcode_import(
                    stream=raw, filename=path.name, keep_all=options["all"], now=timezone.now()
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.rows_read} rows read: {run.stored} postcodes stored, "
                f"{run.skipped_terminated} terminated skipped ({run.removed_terminated} removed), "
                f"{run.skipped_outside_area} outside the area, "
                f"{run.skipped_no_location} without a position, "
                f"{run.skipped_bad_rows} bad rows skipped."
            )
        )
        self.stdout.write(f"  Columns read: {run.columns}")
        for skip in run.skipped:
            self.stdout.write(f"  row {skip['row']}, {skip['column']}: {skip['reason']}")
