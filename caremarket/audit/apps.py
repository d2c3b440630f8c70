from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "caremarket.audit"
    label = "audit"
    verbose_name = "Audit trail"
