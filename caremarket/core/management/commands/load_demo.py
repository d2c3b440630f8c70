from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from caremarket.notifications.services import notification_outbox_settle


class Command(BaseCommand):
    help = "Load realistic demo data through the real services. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])
        now = timezone.now()
        # Each app contributes its own loader, named in settings, so this shell knows no domain.
        for path in settings.DEMO_LOADERS:
            with transaction.atomic():
                lines = import_string(path)(rng=rng, now=now)
            for line in lines:
                self.stdout.write(f"  {path.split('.')[1]}: {line}")
        settled = notification_outbox_settle(created_up_to=now, now=timezone.now())
        self.stdout.write(f"  {settled} demo notifications kept in the service, not e-mailed.")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
