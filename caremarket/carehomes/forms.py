"""GOV.UK forms for the care home pages. Parsing only: the services decide what is allowed."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.carehomes.models import (
    CareType,
    ContractType,
    Facility,
    Funding,
    RejectionReason,
    RejectionStage,
    RoomFeature,
    SuspensionReason,
)
from caremarket.carehomes.selectors.search import DEFAULT_RADIUS_KM, VacancyQuery
from caremarket.common.forms import GovDateField, GovForm
from caremarket.geography.selectors import district_list

RADIUS_CHOICES = [("2", "2 km"), ("5", "5 km"), ("10", "10 km"), ("20", "20 km"), ("50", "50 km")]
NURSING_CHOICES = [("", "Either"), ("yes", "Nursing"), ("no", "Residential (no nursing)")]
_RANGE = re.compile(r"^(?P<prefix>.*?)(?P<first>\d+)\s*-\s*(?P<last>\d+)$")


def _checkboxes(choices: Any, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class SearchForm(GovForm):
    submit_label = "Search"
    postcode = forms.CharField(
        max_length=10, required=False, help_text="For example, CM1 1QH. Or choose a district."
    )
    radius_km = forms.TypedChoiceField(
        choices=RADIUS_CHOICES,
        coerce=float,
        initial="10",
        required=False,
        label="Distance from the postcode",
    )
    district = forms.ChoiceField(required=False)
    care_type = forms.ChoiceField(
        choices=[("", "Any"), *CareType.choices], required=False, label="Care for"
    )
    nursing = forms.ChoiceField(
        choices=NURSING_CHOICES, required=False, widget=forms.RadioSelect, label="Type of bed"
    )
    contract_type = forms.ChoiceField(
        choices=[("", "Any"), *ContractType.choices], required=False, label="Contract type"
    )
    available_from = GovDateField(
        what="the date the bed is needed from",
        required=False,
        label="Needed from",
        help_text="For example, 27 3 2026. Leave empty for today.",
    )
    accepts_la_rate = forms.BooleanField(required=False, label="Accepts local authority rates")
    accepts_top_up = forms.BooleanField(required=False, label="Accepts third-party top-ups")
    features = _checkboxes(RoomFeature.choices, "Room features", "Every feature ticked")

    def __init__(self, *args: Any, professional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district_field = self.fields["district"]
        assert isinstance(district_field, forms.ChoiceField)
        district_field.choices = [("", "Any"), *((d.code, d.name) for d in district_list())]
        if not professional:
            # The public never sees Block rooms, so the contract type means nothing to them.
            del self.fields["contract_type"]

    def to_query(self) -> VacancyQuery:
        data = self.cleaned_data
        return VacancyQuery(
            postcode=data.get("postcode") or "",
            radius_km=data.get("radius_km") or DEFAULT_RADIUS_KM,
            district=data.get("district") or "",
            care_type=data.get("care_type") or "",
            nursing={"yes": True, "no": False}.get(data.get("nursing") or ""),
            contract_type=data.get("contract_type") or "",
            available_from=data.get("available_from"),
            accepts_la_rate=bool(data.get("accepts_la_rate")),
            accepts_top_up=bool(data.get("accepts_top_up")),
            features=tuple(data.get("features") or ()),
        )


class HomeForm(GovForm):
    submit_label = "Save"
    name = forms.CharField(max_length=255)
    address = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(max_length=8)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False, label="E-mail address")
    website = forms.URLField(max_length=300, required=False, assume_scheme="https")
    description = forms.CharField(
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the home is like, for people choosing a home. No personal details.",
    )
    care_types = _checkboxes(CareType.choices, "The people the home cares for")
    provides_nursing = forms.BooleanField(required=False, label="Provides nursing care")
    provides_residential = forms.BooleanField(required=False, label="Provides residential care")
    facilities = _checkboxes(Facility.choices, "Facilities")


class NewHomeForm(HomeForm):
    submit_label = "Add care home"
    cqc_location_id = forms.CharField(max_length=20, label="CQC location ID")
    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.CARE_HOME_PROVIDER),
        required=False,
    )

    def __init__(self, *args: Any, choose_provider: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_provider:
            self.fields["provider"].required = True
        else:
            del self.fields["provider"]


class PhotoForm(GovForm):
    submit_label = "Upload photograph"
    image = forms.ImageField(
        label="Photograph", help_text="JPEG, PNG or WebP, up to 5 MB. Location data is removed."
    )
    alt_text = forms.CharField(
        max_length=200,
        label="Describe the photograph",
        help_text="For people who cannot see it, for example: Sunny lounge with armchairs",
    )


class ResidentsForm(GovForm):
    submit_label = "Record residents"
    file = forms.FileField(
        label="Residents file",
        help_text=(
            "CSV, xlsx or ODS with the columns Room, Person reference, Start date (DD/MM/YYYY)"
            " and Funding (local authority, NHS, self-funder or top-up). Up to 500 rows."
        ),
    )


class CouncilHomeForm(GovForm):
    submit_label = "Save"
    irn_framework = forms.BooleanField(
        required=False, label="On the Integrated Residential Nursing (IRN) framework"
    )
    is_active = forms.BooleanField(
        required=False, label="Listed in search (untick for a home that has closed)"
    )


class _RoomTermsForm(GovForm):
    contract_type = forms.ChoiceField(choices=ContractType.choices, widget=forms.RadioSelect)
    block_owner = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.COUNCIL, OrganisationKind.NHS]
        ),
        required=False,
        label="Block rooms: who purchased the room",
    )
    accepts_la_rate = forms.BooleanField(
        required=False, label="Spot rooms: accepts local authority rates"
    )
    accepts_top_up = forms.BooleanField(
        required=False, label="Spot rooms: accepts third-party top-ups"
    )
    features = _checkboxes(RoomFeature.choices, "Features")


class RoomsAddForm(_RoomTermsForm):
    submit_label = "Add rooms"
    names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Room names",
        help_text="One a line. A range such as “Room 1-20” adds Room 1 to Room 20.",
    )

    def clean_names(self) -> list[str]:
        names: list[str] = []
        for line in self.cleaned_data["names"].splitlines():
            line = line.strip()
            match = _RANGE.match(line)
            if match and int(match["last"]) - int(match["first"]) > 500:
                raise forms.ValidationError(f"The range “{line}” is too long.")
            if match and int(match["first"]) <= int(match["last"]):
                names += [
                    f"{match['prefix']}{n}"
                    for n in range(int(match["first"]), int(match["last"]) + 1)
                ]
            elif line:
                names.append(line)
        return names


class RoomForm(_RoomTermsForm):
    submit_label = "Save room"
    name = forms.CharField(max_length=40)


class SuspendForm(GovForm):
    submit_label = "Suspend"
    starts_on = GovDateField(what="the date the suspension starts", label="From")
    ends_on = GovDateField(
        what="the first day it is available again",
        label="Until (optional)",
        required=False,
        help_text="The first day it is available again. Leave empty until you lift it.",
    )
    reason = forms.ChoiceField(choices=SuspensionReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(max_length=300, required=False)


class RequestForm(GovForm):
    submit_label = "Send booking request"
    starts_on = GovDateField(what="the date the placement starts", label="Start date")
    ends_on = GovDateField(
        what="the end date of the short stay",
        label="End date (short stays only)",
        required=False,
        help_text="The day the room is free again. Leave empty for a permanent placement.",
    )
    person_reference = forms.CharField(
        max_length=40,
        label="The person's case or NHS reference",
        help_text="Not their name: the home sees only this reference.",
    )
    funding = forms.ChoiceField(choices=Funding.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Notes for the home (optional)",
        help_text="Care needs the home should know of. No names or addresses.",
    )

    def __init__(self, *args: Any, recording: bool = False, **kwargs: Any) -> None:
        # The home's own staff are not asking anyone: their booking is recorded at once.
        if recording:
            self.submit_label = "Record the booking"
        super().__init__(*args, **kwargs)


class RejectForm(GovForm):
    submit_label = "Reject request"
    submit_class = "govuk-button--warning"
    stage = forms.ChoiceField(
        choices=RejectionStage.choices, widget=forms.RadioSelect, label="When"
    )
    reason = forms.ChoiceField(choices=[("", "Choose a reason"), *RejectionReason.choices])
    note = forms.CharField(max_length=500, required=False)


class EndForm(GovForm):
    submit_label = "End booking"
    ends_on = GovDateField(
        what="the day the room is free again",
        label="The day the room is free again",
        required=False,
        help_text="Leave empty for today.",
    )
    note = forms.CharField(max_length=300, required=False)
