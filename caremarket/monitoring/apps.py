from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "caremarket.monitoring"
    label = "monitoring"
    verbose_name = "Visit monitoring (EHM)"

    def ready(self) -> None:
        from caremarket.monitoring import queue  # noqa: F401  (registers the queued job)
