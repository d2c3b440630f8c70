"""The framework pages' states for the accessibility walk (see caremarket.accessibility).

The data (``d``) is the framework fixture ``fw`` with a branch request (``d.branch_request``)
and a draft version (``d.draft``).
"""

from typing import Any

from caremarket.accessibility.registry import Exempt, Page, State

COUNCIL = ("contract_manager",)
SUBMIT = "main form .govuk-button"
MEADOW: dict[str, Any] = {"kwargs": lambda d: {"pk": d.fw.meadow.pk}}

PAGES = [
    Page("framework:home", roles=("contract_manager", "broker", "home_care_admin")),
    Page("framework:provider-list", roles=COUNCIL),
    Page(
        "framework:provider-add",
        roles=COUNCIL,
        states=(
            State("empty"),
            State("unknown provider", query="cqc_provider_id=1-000"),
            State("its locations", query="cqc_provider_id=1-777"),
            State(
                "choose errors",
                query="cqc_provider_id=1-777",
                submit="main form[method=post] .govuk-button",
            ),
        ),
    ),
    Page(
        "framework:provider-detail",
        roles=COUNCIL,
        states=(State("filled", **MEADOW),),
    ),
    Page(
        "framework:provider-agreement-end",
        roles=COUNCIL,
        states=(
            State("empty", **MEADOW),
            State(
                "errors",
                fill={"#id_left_on_0": "31", "#id_left_on_1": "2", "#id_left_on_2": "2026"},
                submit=SUBMIT,
                **MEADOW,
            ),
        ),
    ),
    Page(
        "framework:branch-request-create",
        roles=("home_care_admin",),
        states=(State("empty", **MEADOW), State("errors", submit=SUBMIT, **MEADOW)),
    ),
    Page(
        "framework:rate-selections", roles=("home_care_admin",), states=(State("filled", **MEADOW),)
    ),
    Page("framework:branch-request-list", roles=COUNCIL),
    Page(
        "framework:branch-request",
        roles=COUNCIL,
        states=(State("filled", kwargs=lambda d: {"pk": d.branch_request.pk}),),
    ),
    Page("framework:ranked-lists", roles=("contract_manager", "broker")),
    Page("framework:positions", roles=("home_care_admin",)),
    Page("framework:version-list", roles=COUNCIL),
    Page(
        "framework:version-detail",
        roles=COUNCIL,
        states=(
            State("issued", kwargs=lambda d: {"pk": d.fw.version.pk}),
            State("draft", kwargs=lambda d: {"pk": d.draft.pk}),
            State(
                "issue errors",
                kwargs=lambda d: {"pk": d.draft.pk},
                fill={"#id_effective_from_0": "30", "#id_effective_from_1": "2"},
                submit="#issue .govuk-button",
            ),
            State(
                "rank errors",
                kwargs=lambda d: {"pk": d.draft.pk},
                fill={"#id_price_weight": "500"},
                submit="#rank .govuk-button",
            ),
        ),
    ),
    Page(
        "framework:version-lot-edit",
        roles=COUNCIL,
        states=(State("filled", kwargs=lambda d: {"pk": d.draft.pk, "lot_pk": d.fw.lots[0].pk}),),
    ),
    Page(
        "framework:ranked-list-import",
        roles=COUNCIL,
        states=(State("empty"), State("errors", submit=SUBMIT)),
    ),
    Page("framework:price-matrix", roles=("broker",)),
    Page(
        "framework:price-matrix",
        roles=("contract_manager",),
        states=(
            State("filled"),
            State("year errors", submit="[data-testid=year-form] [type=submit]"),
            State("rate errors", submit="[data-testid=rate-form] [type=submit]"),
        ),
    ),
    Page("framework:purchase-order-list", roles=("contract_manager", "broker")),
    Page(
        "framework:package-history",
        roles=("broker",),
        states=(State("filled", kwargs=lambda d: {"reference": d.package_reference}),),
    ),
]

EXEMPT = [
    Exempt(
        "framework:price-year-add",
        "A POST from the price matrix; its errors are shown on that page, checked there.",
    ),
    Exempt(
        "framework:matrix-rate-add",
        "A POST from the price matrix; its errors are shown on that page, checked there.",
    ),
    Exempt("framework:ranked-list-tool", "The ranking tool workbook, an .xlsx download."),
    Exempt("framework:version-discard", "A POST from the draft version's page; redirects."),
    Exempt("framework:version-new", "A POST from the versions page; redirects to the draft."),
    Exempt("framework:version-rank", "A POST from the draft's page; its errors are shown there."),
]
