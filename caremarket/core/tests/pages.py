"""The core pages' states for the accessibility walk (see caremarket.accessibility)."""

from caremarket.accessibility.registry import Exempt, Page, State

EVERY_ROLE = (
    None,
    "council_admin",
    "broker",
    "health_searcher",
    "care_home_user",
    "home_care_admin",
)

PAGES = [
    Page("core:home", roles=EVERY_ROLE),
    Page("core:accessibility", roles=(None,)),
    Page("core:privacy", roles=(None,)),
    Page(
        "core:data-imports",
        roles=("council_admin",),
        states=(
            State("filled"),
            State("errors", submit="main form[enctype] [type=submit]"),
        ),
    ),
    Page(
        "core:data-import",
        roles=("council_admin",),
        states=(
            State("partial file with skipped rows", kwargs=lambda d: {"pk": d.partial_run.pk}),
            State("refused file", kwargs=lambda d: {"pk": d.refused_run.pk}),
        ),
    ),
]

EXEMPT = [
    Exempt("core:data-import-report", "A CSV download of the report the import page shows."),
    Exempt("healthz", "JSON for the load balancer."),
    Exempt("healthz-worker", "JSON for the load balancer."),
]
