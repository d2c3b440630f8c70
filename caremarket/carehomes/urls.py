from django.urls import path
from django.views.generic import RedirectView

from caremarket.carehomes.views import bookings, manage, rooms, search

app_name = "carehomes"
urlpatterns = [
    # Public
    # Search has its own path so the navigation does not mark it as every page below.
    path("", RedirectView.as_view(pattern_name="carehomes:search"), name="index"),
    path("search/", search.search, name="search"),
    path("<int:pk>/", search.home_detail, name="home-detail"),
    path("photos/<int:pk>/<str:size>.jpg", search.photo, name="photo"),
    # Providers and council administrators
    path("manage/", manage.home_list, name="provider-homes"),
    path("manage/new/", manage.home_create, name="home-create"),
    path("manage/capacity-tracker.csv", manage.capacity_export, name="capacity-export"),
    path("<int:pk>/edit/", manage.home_edit, name="home-edit"),
    path("<int:pk>/council/", manage.home_council, name="home-council"),
    path("<int:pk>/photos/", manage.photo_add, name="photo-add"),
    path("photos/<int:pk>/remove/", manage.photo_remove, name="photo-remove"),
    path("<int:pk>/confirm-vacancies/", manage.confirm_vacancies, name="confirm-vacancies"),
    path("<int:pk>/rooms/", rooms.home_rooms, name="home-rooms"),
    path("<int:pk>/rooms/add/", rooms.rooms_add, name="rooms-add"),
    path("<int:pk>/residents/", rooms.residents_record, name="residents-record"),
    path("<int:pk>/suspend/", rooms.home_suspend, name="home-suspend"),
    path("closures/<int:pk>/lift/", rooms.home_suspension_lift, name="home-suspension-lift"),
    path("rooms/<int:pk>/", rooms.room_edit, name="room-edit"),
    path("rooms/<int:pk>/suspend/", rooms.room_suspend, name="room-suspend"),
    path("rooms/<int:pk>/timeline/", rooms.timeline, name="room-timeline"),
    path("suspensions/<int:pk>/lift/", rooms.suspension_lift, name="suspension-lift"),
    # Booking requests
    path("rooms/<int:pk>/request/", bookings.request_room, name="request-room"),
    path("requests/", bookings.request_list, name="requests"),
    path("<int:pk>/requests/", bookings.home_bookings, name="home-bookings"),
    path("bookings/<int:pk>/", bookings.booking_detail, name="booking-detail"),
    path("bookings/<int:pk>/accept/", bookings.booking_accept, name="booking-accept"),
    path("bookings/<int:pk>/reject/", bookings.booking_reject, name="booking-reject"),
    path("bookings/<int:pk>/cancel/", bookings.booking_cancel, name="booking-cancel"),
    path("bookings/<int:pk>/end/", bookings.booking_end, name="booking-end"),
]
