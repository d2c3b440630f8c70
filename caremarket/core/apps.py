from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "caremarket.core"
    label = "core"
    verbose_name = "Service shell"

    def ready(self) -> None:
        from caremarket.core import (
            checks,  # noqa: F401  (registers the system checks)
            queue,  # noqa: F401  (registers the queued job)
        )
