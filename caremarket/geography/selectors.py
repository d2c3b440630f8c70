from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from caremarket.common.errors import NotFound
from caremarket.geography.models import District, DistrictOutline, OutwardCode, Postcode
from caremarket.geography.postcodes import is_outward_code, outward_code_of, postcode_normalise

NOT_FOUND = "We could not find {value}. Check the postcode, or search by district instead."


@dataclass(frozen=True)
class Location:
    query: str
    postcode: str | None
    outward_code: str
    lat: float
    lng: float
    district: District | None
    # False when only the outward code was known: position and district are approximate.
    exact: bool

    @property
    def precision_note(self) -> str:
        if self.exact:
            return "Exact position of the postcode."
        return (
            f"Approximate: we know only the first part of the postcode ({self.outward_code}), "
            "so we used the middle of that area. The district is our best guess, because the "
            "area can cross district boundaries."
        )


def district_list(*, council_area_only: bool = True) -> QuerySet[District]:
    qs = District.objects.all()
    if council_area_only:
        qs = qs.filter(in_council_area=True)
    return qs.order_by("name")


def district_get(*, code: str) -> District:
    district = District.objects.filter(code=code).first()
    if district is None:
        raise NotFound(f"There is no district with code {code}.", field="district")
    return district


def postcode_locate(*, postcode: str) -> Location:
    """Where a postcode (or outward code) is, and whether that position is exact."""
    if is_outward_code(postcode):
        outward = outward_code_of(postcode)
        return _by_outward(query=postcode, outward=outward, full=None)
    full = postcode_normalise(postcode)
    row = Postcode.objects.filter(postcode=full).first()
    outward = full.split(" ")[0]
    if row is not None:
        return Location(
            query=postcode,
            postcode=full,
            outward_code=outward,
            lat=row.lat,
            lng=row.lng,
            district=District.objects.filter(code=row.oslaua).first(),
            exact=True,
        )
    return _by_outward(query=postcode, outward=outward, full=full)


def _by_outward(*, query: str, outward: str, full: str | None) -> Location:
    oc = OutwardCode.objects.select_related("district").filter(code=outward).first()
    if oc is None:
        raise NotFound(NOT_FOUND.format(value=full or outward), field="postcode")
    return Location(
        query=query,
        postcode=full,
        outward_code=outward,
        lat=oc.lat,
        lng=oc.lng,
        district=oc.district,
        exact=False,
    )


def postcodes_place(*, postcodes: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """For each postcode, its district's code and whether the full postcode decided it (True)
    or only its outward code did (False, approximate); unknown postcodes are left out."""
    wanted = set(postcodes)
    found: dict[str, tuple[str, bool]] = {}
    rows = list(wanted)
    for start in range(0, len(rows), 2000):
        for postcode, code in Postcode.objects.filter(
            postcode__in=rows[start : start + 2000]
        ).values_list("postcode", "oslaua"):
            found[postcode] = (code, True)
    outward = dict(
        OutwardCode.objects.filter(district__isnull=False).values_list("code", "district__code")
    )
    for postcode in wanted - set(found):
        code = postcode.split(" ")[0]
        if code in outward:
            found[postcode] = (outward[code], False)
    return found


def district_codes_served(*, neighbours: Iterable[str]) -> set[str]:
    """The council's own districts and the named neighbours (district or council code, or name)."""
    names = {n.strip().casefold() for n in neighbours if n.strip()}
    return {
        d.code
        for d in District.objects.all()
        if d.in_council_area
        or {d.code.casefold(), d.name.casefold(), d.council_code.casefold()} & names
    }


def district_outlines_within(
    *, south: float, west: float, north: float, east: float
) -> list[DistrictOutline]:
    """The outlines that reach into the box, with their districts, for a map of that box."""
    return list(
        DistrictOutline.objects.filter(
            south__lte=north, north__gte=south, west__lte=east, east__gte=west
        )
        .select_related("district")
        .order_by("district__name")
    )


def district_outline_get(*, district: District) -> DistrictOutline | None:
    return DistrictOutline.objects.filter(district=district).first()
