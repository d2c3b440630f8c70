"""The care home pages' states for the accessibility walk (see caremarket.accessibility).

The data (``d``) is the carehomes ``estate`` with one request awaiting an answer
(``d.pending``), one accepted booking (``d.accepted``) and one suspended room.
"""

from typing import Any

from caremarket.accessibility.registry import Exempt, Page, State

SEARCHERS = (None, "health_searcher")
HOME: dict[str, Any] = {"kwargs": lambda d: {"pk": d.estate.home.pk}}
SUBMIT = "main form .govuk-button"

PAGES = [
    Page(
        "carehomes:search",
        roles=SEARCHERS,
        states=(
            State("empty"),
            State("list", query="postcode=CM1+1AA&radius_km=50"),
            State("map", query="postcode=CM1+1AA&radius_km=50&view=map"),
            State(
                "nothing found", query="postcode=CM1+1AA&radius_km=5&care_type=learning_disability"
            ),
            State("errors", query="postcode=NOT+A+POSTCODE"),
        ),
    ),
    Page("carehomes:home-detail", roles=SEARCHERS, states=(State("filled", **HOME),)),
    Page("carehomes:provider-homes", roles=("care_home_admin", "council_admin")),
    Page(
        "carehomes:home-create",
        roles=("council_admin",),
        states=(State("empty"), State("errors", submit=SUBMIT)),
    ),
    Page(
        "carehomes:home-edit",
        roles=("care_home_admin", "council_admin"),
        states=(State("filled", **HOME),),
    ),
    Page(
        "carehomes:home-rooms",
        roles=("care_home_admin",),
        states=(
            State("filled", **HOME),
            State("add rooms errors", submit="form:has([name=add-names]) .govuk-button", **HOME),
            State("close errors", submit="form:has([name=home-reason]) .govuk-button", **HOME),
            State(
                "residents errors", submit="form:has([name=residents-file]) .govuk-button", **HOME
            ),
        ),
    ),
    Page(
        "carehomes:room-edit",
        roles=("care_home_admin",),
        states=(
            State("filled", kwargs=lambda d: {"pk": d.estate.irn.pk}),
            State(
                "suspend errors",
                kwargs=lambda d: {"pk": d.estate.irn.pk},
                submit="form[action$='suspend/'] .govuk-button",
            ),
        ),
    ),
    Page(
        "carehomes:room-timeline",
        roles=("care_home_admin",),
        states=(State("filled", kwargs=lambda d: {"pk": d.estate.spot.pk}),),
    ),
    Page(
        "carehomes:request-room",
        roles=("health_searcher",),
        states=(
            State("empty", kwargs=lambda d: {"pk": d.estate.irn.pk}),
            State("errors", kwargs=lambda d: {"pk": d.estate.irn.pk}, submit=SUBMIT),
        ),
    ),
    Page(
        "carehomes:requests", roles=("care_home_user", "health_searcher", "other_care_home_admin")
    ),
    Page("carehomes:home-bookings", roles=("care_home_user",), states=(State("filled", **HOME),)),
    Page(
        "carehomes:booking-detail",
        roles=("care_home_user", "health_searcher"),
        states=(
            State("awaiting an answer", kwargs=lambda d: {"pk": d.pending.pk}),
            State("booked", kwargs=lambda d: {"pk": d.accepted.pk}),
        ),
    ),
    Page(
        "carehomes:booking-detail",
        roles=("care_home_user",),
        states=(
            State(
                "reject errors",
                kwargs=lambda d: {"pk": d.pending.pk},
                submit="[data-testid=reject-form] .govuk-button",
            ),
            State(
                "end errors",
                kwargs=lambda d: {"pk": d.accepted.pk},
                fill={"#id_end-ends_on_0": "40"},
                submit="[data-testid=end-form] .govuk-button",
            ),
        ),
    ),
]

_POST = "A POST from a form on the {} page, which redirects back or shows its errors there."
EXEMPT = [
    Exempt("carehomes:index", "Redirects to the search page."),
    Exempt("carehomes:photo", "A JPEG of a home's photograph."),
    Exempt("carehomes:capacity-export", "A CSV download for the Capacity Tracker."),
    Exempt("carehomes:home-council", _POST.format("home's edit")),
    Exempt("carehomes:photo-add", _POST.format("home's edit")),
    Exempt("carehomes:photo-remove", _POST.format("home's edit")),
    Exempt("carehomes:confirm-vacancies", _POST.format("home's rooms")),
    Exempt("carehomes:rooms-add", _POST.format("home's rooms")),
    Exempt("carehomes:residents-record", _POST.format("home's rooms")),
    Exempt("carehomes:home-suspend", _POST.format("home's rooms")),
    Exempt("carehomes:home-suspension-lift", _POST.format("home's rooms")),
    Exempt("carehomes:room-suspend", _POST.format("room's")),
    Exempt("carehomes:suspension-lift", _POST.format("room's")),
    Exempt("carehomes:booking-accept", _POST.format("booking's")),
    Exempt("carehomes:booking-reject", _POST.format("booking's")),
    Exempt("carehomes:booking-cancel", _POST.format("booking's")),
    Exempt("carehomes:booking-end", _POST.format("booking's")),
]
