from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caremarket.common.errors import DomainError
from caremarket.cqc.services import cqc_import

MAX_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import a CQC care directory CSV or a CQC ratings file (CSV or ODS). The kind of file is"
        " recognised from its columns. Safe to run again; skipped rows are listed with the reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:
            if not path.exists():
                raise CommandError(f"{path}: no such file.")
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path.name}: larger than {MAX_BYTES // 1024 // 1024} MB.")
            data = path.read_bytes()
            try:
                run = cqc_import(data=data, filename=path.name, now=timezone.now())
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"{path.name} ({run.get_kind_display()}): {run.rows_read} rows, "
                    f"{run.created} created, "
                    f"{run.updated} updated, {len(run.skipped)} skipped."
                )
            )
            for skip in run.skipped:
                self.stdout.write(f"  row {skip['row']}: skipped, {skip['reason']}")
