"""The market insight pages' states for the accessibility walk (see caremarket.accessibility)."""

from caremarket.accessibility.registry import Exempt, Page, State

PAGES = [
    Page(
        "insight:demand",
        roles=("contract_manager",),
        states=(State("filled"), State("errors", query="starts_on=2026-13-40&ends_on=2026-11-30")),
    ),
    Page("insight:market", roles=("contract_manager",)),
    Page("insight:care-homes", roles=("contract_manager", "health_searcher")),
    Page("insight:rounds", roles=("contract_manager",)),
]

_DOWNLOAD = "The figures the page shows, as a CSV or workbook download."
EXEMPT = [
    Exempt("insight:demand-download", _DOWNLOAD),
    Exempt("insight:market-download", _DOWNLOAD),
    Exempt("insight:care-homes-download", _DOWNLOAD),
    Exempt("insight:rounds-download", _DOWNLOAD),
]
