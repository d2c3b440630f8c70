"""The audit trail page's states for the accessibility walk (see caremarket.accessibility)."""

from caremarket.accessibility.registry import Page, State

PAGES = [
    Page(
        "audit:list",
        roles=("council_admin",),
        states=(
            State("every event"),
            State("filtered to nothing", query="object_type=accounts.user&object_id=0"),
        ),
    ),
]
