from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "caremarket.common"
    label = "common"
