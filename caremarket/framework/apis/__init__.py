"""The Live at Home framework API, one module per concept (decision 0053). Each module adds
its endpoints to `common.router`; importing them here registers them, in this order."""

from caremarket.framework.apis.common import (
    LotOut,
    router,
)
from caremarket.framework.apis.prices import (
    MatrixOut,
    RateOut,
    SelectionIn,
    SelectionOut,
    YearOut,
    price_matrix,
    price_years,
    rate_selection_create,
    rate_selections,
)
from caremarket.framework.apis.providers import (
    AgreementEndIn,
    BranchRequestOut,
    CqcLocationOut,
    ProviderFromCqcIn,
    ProviderOut,
    branch_requests,
    cqc_provider_locations_list,
    provider_create_from_cqc,
    provider_end_agreement,
)
from caremarket.framework.apis.purchase_orders import (
    ChangeHoursIn,
    OrderIn,
    OrderOut,
    purchase_order_create,
    purchase_order_hours,
    purchase_orders,
)
from caremarket.framework.apis.ranked_lists import (
    EntryOut,
    PositionOut,
    PositionsOut,
    RankedListOut,
    RankedListsOut,
    positions,
    ranked_lists,
)

__all__ = [
    "AgreementEndIn",
    "BranchRequestOut",
    "ChangeHoursIn",
    "CqcLocationOut",
    "EntryOut",
    "LotOut",
    "MatrixOut",
    "OrderIn",
    "OrderOut",
    "PositionOut",
    "PositionsOut",
    "ProviderFromCqcIn",
    "ProviderOut",
    "RankedListOut",
    "RankedListsOut",
    "RateOut",
    "SelectionIn",
    "SelectionOut",
    "YearOut",
    "branch_requests",
    "cqc_provider_locations_list",
    "positions",
    "price_matrix",
    "price_years",
    "provider_create_from_cqc",
    "provider_end_agreement",
    "purchase_order_create",
    "purchase_order_hours",
    "purchase_orders",
    "ranked_lists",
    "rate_selection_create",
    "rate_selections",
    "router",
]
