from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "caremarket.framework"
    label = "framework"
    verbose_name = "Live at Home framework"
