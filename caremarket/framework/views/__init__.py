"""The framework pages, one module per concept (decision 0053)."""

from caremarket.framework.views.common import visible_provider
from caremarket.framework.views.prices import (
    matrix_rate_add,
    price_matrix,
    price_year_add,
    rate_selections,
)
from caremarket.framework.views.providers import (
    branch_request_create,
    branch_request_detail,
    branch_request_list,
    provider_add,
    provider_agreement_end_page,
    provider_detail,
    provider_list_page,
)
from caremarket.framework.views.purchase_orders import package_history, purchase_order_list
from caremarket.framework.views.ranked_lists import (
    import_workbook,
    positions,
    ranked_list_tool,
    version_detail,
    version_discard,
    version_draft_create,
    version_list,
    version_lot_edit,
    version_rank,
)

__all__ = [
    "branch_request_create",
    "branch_request_detail",
    "branch_request_list",
    "import_workbook",
    "matrix_rate_add",
    "package_history",
    "positions",
    "price_matrix",
    "price_year_add",
    "provider_add",
    "provider_agreement_end_page",
    "provider_detail",
    "provider_list_page",
    "purchase_order_list",
    "ranked_list_tool",
    "rate_selections",
    "version_detail",
    "version_discard",
    "version_draft_create",
    "version_list",
    "version_lot_edit",
    "version_rank",
    "visible_provider",
]
