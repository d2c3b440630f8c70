"""The visit monitoring pages' states for the accessibility walk (see caremarket.accessibility).

The data (``d``) has a checked visit file with errors (``d.submission``) from the world's home
care provider (``d.provider``, with branch ``d.location_id``), and one still waiting to be
checked (``d.waiting``).
"""

from caremarket.accessibility.registry import Exempt, Page, State

SUBMIT = "main form .govuk-button"

PAGES = [
    Page("monitoring:submissions", roles=("home_care_admin", "contract_manager")),
    Page(
        "monitoring:upload",
        roles=("home_care_admin",),
        states=(State("empty"), State("errors", submit=SUBMIT)),
    ),
    Page(
        "monitoring:submission",
        roles=("home_care_admin",),
        states=(
            State("with errors", kwargs=lambda d: {"pk": d.submission.pk}),
            State("being checked", kwargs=lambda d: {"pk": d.waiting.pk}),
        ),
    ),
    Page("monitoring:file-spec", roles=("home_care_admin",)),
    Page("monitoring:overview", roles=("contract_manager",)),
    Page("monitoring:flags", roles=("contract_manager",)),
    Page(
        "monitoring:provider",
        roles=("contract_manager", "home_care_admin"),
        states=(State("filled", kwargs=lambda d: {"pk": d.provider.pk}),),
    ),
    Page(
        "monitoring:branch",
        roles=("contract_manager",),
        states=(
            State("filled", kwargs=lambda d: {"pk": d.provider.pk, "location_id": d.location_id}),
        ),
    ),
]

EXEMPT = [
    Exempt(
        "monitoring:home",
        "Redirects to the overview (council) or the provider's KPIs, both checked as pages.",
    ),
    Exempt("monitoring:error-report", "The visit file's error report, a CSV download."),
    Exempt("monitoring:warning-report", "The visit file's warnings report, a CSV download."),
    Exempt("monitoring:template", "The visit file template, a CSV download."),
]
