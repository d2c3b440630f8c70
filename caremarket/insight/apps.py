from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "caremarket.insight"
    label = "insight"
    verbose_name = "Market insight"
