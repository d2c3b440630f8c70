from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "caremarket.sourcing"
    label = "sourcing"
    verbose_name = "Sourcing home care packages"
