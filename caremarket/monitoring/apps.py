from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "caremarket.monitoring"
    label = "monitoring"
    verbose_name = "Visit monitoring (EHM)"
