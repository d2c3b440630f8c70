from django.urls import path

from caremarket.framework.views import home, prices, providers, purchase_orders, ranked_lists

app_name = "framework"

urlpatterns = [
    path("", home.home, name="home"),
    path("providers/", providers.provider_list_page, name="provider-list"),
    path("providers/new/", providers.provider_add, name="provider-add"),
    path("providers/<int:pk>/", providers.provider_detail, name="provider-detail"),
    path(
        "providers/<int:pk>/end-agreement/",
        providers.provider_agreement_end_page,
        name="provider-agreement-end",
    ),
    path(
        "providers/<int:pk>/branch-requests/new/",
        providers.branch_request_create,
        name="branch-request-create",
    ),
    path("providers/<int:pk>/rates/", prices.rate_selections, name="rate-selections"),
    path("branch-requests/", providers.branch_request_list, name="branch-request-list"),
    path("branch-requests/<int:pk>/", providers.branch_request_detail, name="branch-request"),
    path("ranked-lists/", ranked_lists.ranked_lists, name="ranked-lists"),
    path("ranked-lists/tool.xlsx", ranked_lists.ranked_list_tool, name="ranked-list-tool"),
    path("ranked-lists/positions/", ranked_lists.positions, name="positions"),
    path("ranked-lists/versions/", ranked_lists.version_list, name="version-list"),
    path("ranked-lists/versions/new/", ranked_lists.version_draft_create, name="version-new"),
    path("ranked-lists/versions/<int:pk>/", ranked_lists.version_detail, name="version-detail"),
    path(
        "ranked-lists/versions/<int:pk>/discard/",
        ranked_lists.version_discard,
        name="version-discard",
    ),
    path("ranked-lists/versions/<int:pk>/rank/", ranked_lists.version_rank, name="version-rank"),
    path(
        "ranked-lists/versions/<int:pk>/lots/<int:lot_pk>/",
        ranked_lists.version_lot_edit,
        name="version-lot-edit",
    ),
    path("ranked-lists/import/", ranked_lists.import_workbook, name="ranked-list-import"),
    path("prices/", prices.price_matrix, name="price-matrix"),
    path("prices/years/new/", prices.price_year_add, name="price-year-add"),
    path("prices/years/<int:pk>/rates/new/", prices.matrix_rate_add, name="matrix-rate-add"),
    path("purchase-orders/", purchase_orders.purchase_order_list, name="purchase-order-list"),
    path(
        "purchase-orders/packages/<str:reference>/",
        purchase_orders.package_history,
        name="package-history",
    ),
]
