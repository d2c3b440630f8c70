from django.urls import path

from caremarket.sourcing import views

app_name = "sourcing"
urlpatterns = [
    path("packages/", views.package_list, name="package-list"),
    path("packages/new/", views.package_create, name="package-create"),
    path("packages/<int:pk>/", views.package_detail, name="package-detail"),
    path("packages/<int:pk>/cancel/", views.package_cancel, name="package-cancel"),
    path("packages/<int:pk>/place/", views.package_place, name="package-place"),
    path("packages/<int:pk>/end/", views.package_end, name="package-end"),
    path("packages/<int:pk>/hours/", views.package_change_hours, name="package-hours"),
    path(
        "packages/<int:pk>/visit-pattern/",
        views.visit_pattern_edit,
        name="visit-pattern",
    ),
    path("handbacks/", views.handback_list, name="handback-list"),
    path("packages/<int:pk>/hand-back/", views.handback_give, name="handback-give"),
    path(
        "handbacks/<int:pk>/acknowledge/",
        views.handback_acknowledge,
        name="handback-acknowledge",
    ),
    path("handbacks/<int:pk>/withdraw/", views.handback_withdraw, name="handback-withdraw"),
    path("transfers/", views.transfer_list, name="transfer-list"),
    path("transfers/swap/", views.transfer_swap_propose, name="transfer-swap-propose"),
    path("packages/<int:pk>/transfer/", views.transfer_propose, name="transfer-propose"),
    path("transfers/<int:pk>/agree/", views.transfer_agree, name="transfer-agree"),
    path("transfers/<int:pk>/withdraw/", views.transfer_withdraw, name="transfer-withdraw"),
    path("strategic-partners/", views.partnership_list, name="partner-list"),
    path("strategic-partners/new/", views.partnership_create, name="partner-create"),
    path("strategic-partners/<int:pk>/", views.partnership_detail, name="partner-detail"),
    path("strategic-partners/<int:pk>/end/", views.partnership_end, name="partner-end"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal-accept"),
    path("offers/", views.offer_list, name="offer-list"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer-accept"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer-decline"),
    path("batching-list/", views.batching_page, name="batching"),
    path("batching-list/download/", views.batching_download, name="batching-download"),
    path("timetable/issue/", views.timetable_issue, name="timetable-issue"),
    path("available-packages/", views.available_page, name="available"),
    path("book-of-care/", views.care_book_page, name="care-book"),
    path("book-of-care/template.csv", views.care_book_template, name="care-book-template"),
]
