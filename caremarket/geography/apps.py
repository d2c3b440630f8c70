from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "caremarket.geography"
    label = "geography"
