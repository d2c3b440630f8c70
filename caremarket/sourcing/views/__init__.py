"""The sourcing pages, one module per concept (decision 0053)."""

from caremarket.sourcing.views.care_book import care_book_page, care_book_template
from caremarket.sourcing.views.common import timetable_context
from caremarket.sourcing.views.lists import (
    NOT_PLACED,
    available_page,
    batching_download,
    batching_page,
    timetable_issue,
)
from caremarket.sourcing.views.offers import offer_accept, offer_decline, offer_list
from caremarket.sourcing.views.packages import (
    package_cancel,
    package_change_hours,
    package_create,
    package_detail,
    package_end,
    package_list,
    package_place,
    proposal_accept,
)
from caremarket.sourcing.views.partners import (
    partnership_create,
    partnership_detail,
    partnership_end,
    partnership_list,
)
from caremarket.sourcing.views.rounds import (
    handback_acknowledge,
    handback_give,
    handback_list,
    handback_withdraw,
    transfer_agree,
    transfer_list,
    transfer_propose,
    transfer_swap_propose,
    transfer_withdraw,
    visit_pattern_edit,
)

__all__ = [
    "NOT_PLACED",
    "available_page",
    "batching_download",
    "batching_page",
    "care_book_page",
    "care_book_template",
    "handback_acknowledge",
    "handback_give",
    "handback_list",
    "handback_withdraw",
    "offer_accept",
    "offer_decline",
    "offer_list",
    "package_cancel",
    "package_change_hours",
    "package_create",
    "package_detail",
    "package_end",
    "package_list",
    "package_place",
    "partnership_create",
    "partnership_detail",
    "partnership_end",
    "partnership_list",
    "proposal_accept",
    "timetable_context",
    "timetable_issue",
    "transfer_agree",
    "transfer_list",
    "transfer_propose",
    "transfer_swap_propose",
    "transfer_withdraw",
    "visit_pattern_edit",
]
