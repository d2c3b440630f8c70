from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from caremarket.common.errors import DomainError
from caremarket.cqc.services import LIMITS, cqc_import


class Command(BaseCommand):
    help = (
        "Import CQC files as published: the care directory CSV, the care directory with filters"
        " (HSCA_Active_Locations, xlsx or ODS) or the latest ratings (ODS, xlsx or CSV). The kind"
        " of file is recognised from its headings. Safe to run again; skipped rows are listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Take directory files as partial extracts: deregister nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:
            if not path.exists():
                raise CommandError(f"{path}: no such file.")
            if path.stat().st_size > LIMITS.max_bytes:
                raise CommandError(
                    f"{path.name}: larger than {LIMITS.max_bytes // 1024 // 1024} MB."
                )
            try:
                run = cqc_import(
                    data=path.read_bytes(),
                    filename=path.name,
                    now=timezone.now(),
                    partial=options["partial"],
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            scope = "" if run.complete is None else (", complete" if run.complete else ", partial")
            self.stdout.write(
                self.style.SUCCESS(
                    f"{path.name} ({run.get_kind_display()}{scope}): {run.rows_read} rows,"
                    f" {run.created} created, {run.updated} updated, {run.unchanged} unchanged,"
                    f" {run.deregistered} deregistered, {len(run.skipped)} skipped."
                )
            )
            for note in run.notes:
                self.stdout.write(f"  {note}")
            for skip in run.skipped:
                column = f", {skip['column']}" if skip.get("column") else ""
                self.stdout.write(f"  row {skip['row']}{column}: skipped, {skip['reason']}")
