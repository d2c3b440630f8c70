from django.urls import path

from caremarket.monitoring.views import kpis, submissions

app_name = "monitoring"
urlpatterns = [
    path("", submissions.home, name="home"),
    path("submissions/", submissions.submission_list, name="submissions"),
    path("submissions/new/", submissions.submission_upload, name="upload"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission"),
    path("submissions/<int:pk>/errors.csv", submissions.error_report, name="error-report"),
    path("submissions/<int:pk>/warnings.csv", submissions.warning_report, name="warning-report"),
    path("file-specification/", submissions.file_spec, name="file-spec"),
    path("template.csv", submissions.template_download, name="template"),
    path("overview/", kpis.overview, name="overview"),
    path("flags/", kpis.flag_list, name="flags"),
    path("providers/<int:pk>/", kpis.provider_detail, name="provider"),
    path("providers/<int:pk>/branches/<str:location_id>/", kpis.branch_detail, name="branch"),
]
