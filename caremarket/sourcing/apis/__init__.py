"""The sourcing API, one module per concept (decision 0053). `common` holds the Sourcing
router, which packages, offers, care_book and lists add their endpoints to, and the Rounds
router, which visit_patterns, round_fit, handbacks, transfers and best_placed add theirs to;
partners holds the Strategic partners router. Importing the modules registers the endpoints
in this order, which is the order of the OpenAPI document, so the imports keep it (isort:
split) rather than being sorted."""

from caremarket.sourcing.apis.common import OfferOut, package_or_404, rounds_router, router

# isort: split
from caremarket.sourcing.apis.packages import (
    DecisionOut,
    PackageEndIn,
    PackageHoursIn,
    PackageHoursOut,
    PackageIn,
    PackageOrderOut,
    PackageOut,
    PackagePlaceIn,
    package_change_hours,
    package_create,
    package_end,
    package_get,
    package_place,
)

# isort: split
from caremarket.sourcing.apis.offers import (
    DeclineIn,
    ProviderOfferOut,
    offer_accept,
    offer_decline,
    offer_list,
)

# isort: split
from caremarket.sourcing.apis.care_book import (
    CareBookOut,
    CareBookProblemOut,
    CareBookRefusedOut,
    care_book_create,
)

# isort: split
from caremarket.sourcing.apis.lists import (
    BatchingListOut,
    BatchingReturnIn,
    BatchingRowOut,
    ListedPackageOut,
    ProposalIn,
    ProposalOut,
    available_package_list,
    available_package_propose,
    batching_list,
    batching_return,
)

# isort: split
from caremarket.sourcing.apis.visit_patterns import (
    CallIn,
    CallOut,
    VisitPatternIn,
    VisitPatternOut,
    visit_pattern_get,
    visit_pattern_put,
)

# isort: split
from caremarket.sourcing.apis.round_fit import (
    RoundFitFigures,
    RoundFitOut,
    round_fit_figures,
    round_fit_list,
)

# isort: split
from caremarket.sourcing.apis.handbacks import (
    HandbackIn,
    HandbackOut,
    handback_acknowledge,
    handback_give,
    handback_list,
    handback_withdraw,
)

# isort: split
from caremarket.sourcing.apis.transfers import (
    SwapIn,
    TransferIn,
    TransferOut,
    WithdrawIn,
    transfer_agree,
    transfer_list,
    transfer_propose,
    transfer_swap_propose,
    transfer_withdraw,
)

# isort: split
from caremarket.sourcing.apis.best_placed import BestPlacedOut, best_placed_list

# isort: split
from caremarket.sourcing.apis.partners import (
    StrategicPartnershipEndIn,
    StrategicPartnershipIn,
    StrategicPartnershipOut,
    partners_router,
    partnership_create,
    partnership_end,
    partnership_get,
    partnership_list,
)

__all__ = [
    "BatchingListOut",
    "BatchingReturnIn",
    "BatchingRowOut",
    "BestPlacedOut",
    "CallIn",
    "CallOut",
    "CareBookOut",
    "CareBookProblemOut",
    "CareBookRefusedOut",
    "DecisionOut",
    "DeclineIn",
    "HandbackIn",
    "HandbackOut",
    "ListedPackageOut",
    "OfferOut",
    "PackageEndIn",
    "PackageHoursIn",
    "PackageHoursOut",
    "PackageIn",
    "PackageOrderOut",
    "PackageOut",
    "PackagePlaceIn",
    "ProposalIn",
    "ProposalOut",
    "ProviderOfferOut",
    "RoundFitFigures",
    "RoundFitOut",
    "StrategicPartnershipEndIn",
    "StrategicPartnershipIn",
    "StrategicPartnershipOut",
    "SwapIn",
    "TransferIn",
    "TransferOut",
    "VisitPatternIn",
    "VisitPatternOut",
    "WithdrawIn",
    "available_package_list",
    "available_package_propose",
    "batching_list",
    "batching_return",
    "best_placed_list",
    "care_book_create",
    "handback_acknowledge",
    "handback_give",
    "handback_list",
    "handback_withdraw",
    "offer_accept",
    "offer_decline",
    "offer_list",
    "package_change_hours",
    "package_create",
    "package_end",
    "package_get",
    "package_or_404",
    "package_place",
    "partners_router",
    "partnership_create",
    "partnership_end",
    "partnership_get",
    "partnership_list",
    "round_fit_figures",
    "round_fit_list",
    "rounds_router",
    "router",
    "transfer_agree",
    "transfer_list",
    "transfer_propose",
    "transfer_swap_propose",
    "transfer_withdraw",
    "visit_pattern_get",
    "visit_pattern_put",
]
