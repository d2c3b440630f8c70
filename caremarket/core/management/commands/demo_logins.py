from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Print the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = import_string(settings.DEMO_LOGINS)
        password = import_string(settings.DEMO_PASSWORD)
        self.stdout.write(f"\n  {settings.SERVICE_NAME} is running at {settings.SITE_URL}\n")
        self.stdout.write(f"  Demo sign-ins (password for all: {password}):")
        for login in logins:
            self.stdout.write(
                f"    {login.email:<34} {login.name:<14} {login.organisation} – {login.role.label}"
            )
        self.stdout.write("  Members of the public need no sign-in.\n")
