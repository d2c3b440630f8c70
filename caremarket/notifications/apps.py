from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "caremarket.notifications"
    label = "notifications"
