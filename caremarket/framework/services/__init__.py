"""Writes to the framework, one module per concept (decision 0053); every public name is
re-exported here, so `from caremarket.framework import services` works as it would for one
module."""

from caremarket.framework.services.branch_requests import (
    NOT_DECIDER,
    branch_change_request_decide,
    branch_change_request_submit,
)
from caremarket.framework.services.lots import lot_create_all
from caremarket.framework.services.prices import matrix_rate_create, price_year_create, rate_select
from caremarket.framework.services.providers import (
    NOT_HOME_CARE,
    AgreementEndPreview,
    branch_add,
    branch_refresh_from_cqc,
    provider_add_from_cqc,
    provider_agreement_end,
    provider_agreement_end_preview,
    provider_create,
    provider_eligibility_refresh,
)
from caremarket.framework.services.purchase_order_transfers import purchase_order_transfer
from caremarket.framework.services.purchase_orders import (
    NOT_PERMITTED,
    purchase_order_carry_over,
    purchase_order_change_hours,
    purchase_order_end,
    purchase_order_issue,
    purchase_order_issue_agreed,
)
from caremarket.framework.services.ranked_list_import import (
    LIMITS,
    REQUIRED,
    ranked_list_workbook_read,
)
from caremarket.framework.services.ranked_lists import (
    BROWSER,
    DEFAULT_PRICE_WEIGHT,
    DEFAULT_QUALITY_WEIGHT,
    NOT_A_DRAFT,
    DraftEntry,
    Place,
    ranked_list_discard,
    ranked_list_draft_create,
    ranked_list_draft_rank_by_scores,
    ranked_list_draft_set_lot,
    ranked_list_issue,
    ranked_list_problems,
)

__all__ = [
    "BROWSER",
    "DEFAULT_PRICE_WEIGHT",
    "DEFAULT_QUALITY_WEIGHT",
    "LIMITS",
    "NOT_A_DRAFT",
    "NOT_DECIDER",
    "NOT_HOME_CARE",
    "NOT_PERMITTED",
    "REQUIRED",
    "AgreementEndPreview",
    "DraftEntry",
    "Place",
    "branch_add",
    "branch_change_request_decide",
    "branch_change_request_submit",
    "branch_refresh_from_cqc",
    "lot_create_all",
    "matrix_rate_create",
    "price_year_create",
    "provider_add_from_cqc",
    "provider_agreement_end",
    "provider_agreement_end_preview",
    "provider_create",
    "provider_eligibility_refresh",
    "purchase_order_carry_over",
    "purchase_order_change_hours",
    "purchase_order_end",
    "purchase_order_issue",
    "purchase_order_issue_agreed",
    "purchase_order_transfer",
    "ranked_list_discard",
    "ranked_list_draft_create",
    "ranked_list_draft_rank_by_scores",
    "ranked_list_draft_set_lot",
    "ranked_list_issue",
    "ranked_list_problems",
    "ranked_list_workbook_read",
    "rate_select",
]
