from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "caremarket.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"
