from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from caremarket.geography import selectors
from caremarket.geography.models import District

router = Router(tags=["Geography"])


class DistrictOut(Schema):
    code: str
    name: str
    locality: str
    in_council_area: bool


class LocationOut(Schema):
    postcode: str | None
    outward_code: str
    lat: float
    lng: float
    district: DistrictOut | None
    exact: bool
    precision_note: str


@router.get("/districts", response=list[DistrictOut], auth=None, summary="The council's districts")
def district_list(request: HttpRequest, include_neighbours: bool = False) -> list[District]:
    return list(selectors.district_list(council_area_only=not include_neighbours))


@router.get(
    "/postcodes/{postcode}",
    response=LocationOut,
    auth=None,
    summary="Where a postcode is, and whether that is exact or approximate",
)
def postcode_locate(request: HttpRequest, postcode: str) -> selectors.Location:
    return selectors.postcode_locate(postcode=postcode)
