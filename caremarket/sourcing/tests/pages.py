"""The sourcing pages' states for the accessibility walk (see caremarket.accessibility).

The data (``d``) has a package offered on tier 1 (``d.offered``, its open offer ``d.offer``)
a package on the Available Packages list (``d.available``) and a placed package with its
purchase order (``d.placed``), and a strategic partnership in CM2 (``d.partnership``).
"""

from caremarket.accessibility.registry import Exempt, Page, State

SUBMIT = "main form .govuk-button"

PAGES = [
    Page("sourcing:package-list", roles=("broker",)),
    Page(
        "sourcing:package-create",
        roles=("broker",),
        states=(State("empty"), State("errors", submit=SUBMIT)),
    ),
    Page(
        "sourcing:package-detail",
        roles=("broker",),
        states=(
            State("offered", kwargs=lambda d: {"pk": d.offered.pk}),
            State("available", kwargs=lambda d: {"pk": d.available.pk}),
            State("placed", kwargs=lambda d: {"pk": d.placed.pk}),
        ),
    ),
    Page(
        "sourcing:package-hours",
        roles=("broker",),
        states=(
            State("empty", kwargs=lambda d: {"pk": d.placed.pk}),
            State("errors", kwargs=lambda d: {"pk": d.placed.pk}, submit=SUBMIT),
        ),
    ),
    Page(
        "sourcing:visit-pattern",
        roles=("broker",),
        states=(
            State("filled", kwargs=lambda d: {"pk": d.offered.pk}),
            State("errors", kwargs=lambda d: {"pk": d.offered.pk}, submit=SUBMIT),
        ),
    ),
    Page("sourcing:offer-list", roles=("home_care_admin", "home_care_user")),
    Page("sourcing:batching", roles=("home_care_admin", "broker")),
    Page("sourcing:available", roles=("home_care_admin", "broker")),
    Page(
        "sourcing:care-book",
        roles=("contract_manager",),
        states=(State("empty"), State("errors", submit=SUBMIT)),
    ),
    Page(
        "sourcing:visit-pattern",
        roles=("broker",),
        states=(
            State("free text", kwargs=lambda d: {"pk": d.offered.pk}),
            State("errors", kwargs=lambda d: {"pk": d.offered.pk}, submit=SUBMIT),
        ),
    ),
    Page("sourcing:handback-list", roles=("broker", "home_care_admin")),
    Page("sourcing:transfer-list", roles=("broker", "home_care_admin")),
    Page(
        "sourcing:transfer-propose",
        roles=("broker",),
        states=(State("empty", kwargs=lambda d: {"pk": d.offered.pk}),),
    ),
    Page(
        "sourcing:transfer-swap-propose",
        roles=("broker",),
        states=(State("empty"), State("errors", submit=SUBMIT)),
    ),
    Page("sourcing:partner-list", roles=("contract_manager", "broker")),
    Page(
        "sourcing:partner-create",
        roles=("contract_manager",),
        states=(State("empty"), State("errors", submit=SUBMIT)),
    ),
    Page(
        "sourcing:partner-detail",
        roles=("contract_manager", "broker"),
        states=(State("named", kwargs=lambda d: {"pk": d.partnership.pk}),),
    ),
    Page(
        "sourcing:partner-end",
        roles=("contract_manager",),
        states=(
            State("empty", kwargs=lambda d: {"pk": d.partnership.pk}),
            State("errors", kwargs=lambda d: {"pk": d.partnership.pk}, submit=SUBMIT),
        ),
    ),
]

_POST = "A POST from a button on the {} page, which redirects back or shows its errors there."
EXEMPT = [
    Exempt("sourcing:package-cancel", _POST.format("package's")),
    Exempt("sourcing:package-place", _POST.format("package's")),
    Exempt("sourcing:package-end", _POST.format("package's")),
    Exempt("sourcing:proposal-accept", _POST.format("package's")),
    Exempt("sourcing:offer-accept", _POST.format("offers")),
    Exempt("sourcing:offer-decline", _POST.format("offers")),
    Exempt("sourcing:handback-acknowledge", _POST.format("handbacks")),
    Exempt("sourcing:handback-withdraw", _POST.format("handbacks")),
    Exempt("sourcing:transfer-agree", _POST.format("transfers")),
    Exempt("sourcing:transfer-withdraw", _POST.format("transfers")),
    Exempt(
        "sourcing:handback-give",
        "Needs a package placed with the signed-in provider, which the walk's data has not;"
        " the handback browser test drives it (test_browser_handback.py).",
    ),
    Exempt("sourcing:timetable-issue", _POST.format("Batching List or Available Packages")),
    Exempt("sourcing:batching-download", "The Batching List workbook, an .xlsx download."),
    Exempt("sourcing:care-book-template", "The book of care's CSV template, a download."),
]
