from django.urls import path

from caremarket.insight import views

app_name = "insight"
urlpatterns = [
    path("demand/", views.demand_page, name="demand"),
    path("demand/download.<str:fmt>", views.demand_download, name="demand-download"),
    path("market/", views.market_page, name="market"),
    path("market/download.<str:fmt>", views.market_download, name="market-download"),
    path("market/care-homes/", views.care_homes_page, name="care-homes"),
    path("market/rounds/", views.rounds_page, name="rounds"),
    path("market/rounds/download.<str:fmt>", views.rounds_download, name="rounds-download"),
    path(
        "market/care-homes/download.<str:fmt>",
        views.care_homes_download,
        name="care-homes-download",
    ),
]
