from django.apps import AppConfig


class CarehomesConfig(AppConfig):
    name = "caremarket.carehomes"
    label = "carehomes"
    verbose_name = "Care homes: vacancies and bookings"
