from django.urls import path

from caremarket.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("reference-data/", views.import_list, name="data-imports"),
    path("reference-data/<int:pk>/", views.import_detail, name="data-import"),
    path("reference-data/<int:pk>/report.csv", views.import_report, name="data-import-report"),
]
