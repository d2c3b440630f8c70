from django.http import HttpResponse
from django.urls import path

app_name = "carehomes"
urlpatterns = [path("bookings/<int:pk>/", lambda r, pk: HttpResponse(), name="booking-detail")]
