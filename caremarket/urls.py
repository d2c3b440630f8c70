from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from caremarket.api import api
from caremarket.core import views as core_views

urlpatterns = [
    # First: the busiest route (vacancy search) is resolved without trying every page's.
    path("api/v1/", api.urls),
    path("", include("caremarket.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/worker", core_views.healthz_worker, name="healthz-worker"),
    path("accounts/", include("caremarket.accounts.urls")),
    path("notifications/", include("caremarket.notifications.urls")),
    path("audit/", include("caremarket.audit.urls")),
    path("monitoring/", include("caremarket.monitoring.urls")),
    path("framework/", include("caremarket.framework.urls")),
    path("sourcing/", include("caremarket.sourcing.urls")),
    path("care-homes/", include("caremarket.carehomes.urls")),
    path("insight/", include("caremarket.insight.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "caremarket.core.views.error_403"
handler404 = "caremarket.core.views.error_404"
handler500 = "caremarket.core.views.error_500"
