"""The search's map: the homes of the page, the place searched and the districts around them.

The district outlines are drawn from the postcode directory when it is imported (decision
0064); here they are only placed in the picture. The results list, and the table under the
map, say in words what the map shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.carehomes.selectors.search import HomeResult, VacancyResults
from caremarket.common.maps import Frame, frame_fit
from caremarket.geography.selectors import (
    Location,
    district_outline_get,
    district_outlines_within,
)

MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 640, 440, 40
# At least about 7 km top to bottom, so one home or a small radius still shows its district.
MIN_SPAN = 0.06


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    number: int
    result: HomeResult | None  # None for the searched postcode


@dataclass(frozen=True)
class MapDistrict:
    name: str
    path: str
    label: tuple[float, float] | None  # where the name is written, if there is room
    searched: bool  # the district searched, or the one the searched postcode is in


@dataclass(frozen=True)
class SearchMap:
    points: list[MapPoint]  # the homes, numbered as the list numbers them
    place: MapPoint | None  # the postcode searched
    place_label: str
    districts: list[MapDistrict]
    summary: str
    width: int = MAP_WIDTH
    height: int = MAP_HEIGHT


def _places(
    results: list[HomeResult], location: Location | None
) -> list[tuple[float, float, HomeResult | None]]:
    # The searched postcode first, so a home at the same spot is drawn over it.
    places: list[tuple[float, float, HomeResult | None]] = (
        [(location.lat, location.lng, None)] if location is not None else []
    )
    return places + [
        (r.home.lat, r.home.lng, r)
        for r in results
        if r.home.lat is not None and r.home.lng is not None
    ]


def _numbered(
    frame: Frame,
    places: list[tuple[float, float, HomeResult | None]],
    results: list[HomeResult],
    offset: int,
) -> list[MapPoint]:
    points = []
    for lat, lng, result in places:
        x, y = frame.xy(lat, lng)
        number = offset + results.index(result) + 1 if result is not None else 0
        points.append(MapPoint(x=x, y=y, number=number, result=result))
    return points


def map_points(
    results: list[HomeResult], location: Location | None, *, offset: int = 0
) -> list[MapPoint]:
    """The homes (and the search centre) in the picture.

    Markers carry the numbers the list gives them, so page 2's first home is 11, not 1.
    """
    places = _places(results, location)
    frame = frame_fit(
        [(lat, lng) for lat, lng, _ in places],
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        pad=MAP_PAD,
        min_span=MIN_SPAN,
    )
    return _numbered(frame, places, results, offset)


def search_map(found: VacancyResults) -> SearchMap:
    places = _places(found.results, found.location)
    box = [(lat, lng) for lat, lng, _ in places]
    searched_district = found.district or (found.location.district if found.location else None)
    if found.district is not None and (outline := district_outline_get(district=found.district)):
        # A district search shows the whole district, even where it has no home with a bed.
        box += [(outline.south, outline.west), (outline.north, outline.east)]
    frame = frame_fit(box, width=MAP_WIDTH, height=MAP_HEIGHT, pad=MAP_PAD, min_span=MIN_SPAN)
    south, west, north, east = frame.bounds
    districts = [
        MapDistrict(
            name=o.district.name,
            path=frame.path(o.rings),
            label=frame.label_at(o.rings, near=(o.label_lat, o.label_lng)),
            searched=searched_district is not None and o.district_id == searched_district.pk,
        )
        for o in district_outlines_within(south=south, west=west, north=north, east=east)
    ]
    points = _numbered(frame, places, found.results, found.offset)
    homes = [p for p in points if p.result is not None]
    place = next((p for p in points if p.result is None), None)
    place_label = ""
    if found.location is not None:
        place_label = found.location.postcode or found.location.outward_code
    return SearchMap(
        points=homes,
        place=place,
        place_label=place_label,
        districts=districts,
        summary=_summary(found, homes, place_label, districts),
    )


def _summary(
    found: VacancyResults, homes: list[MapPoint], place_label: str, districts: list[MapDistrict]
) -> str:
    if homes:
        first, last = homes[0].number, homes[-1].number
        numbers = f"home {first}" if first == last else f"homes {first} to {last}"
        what = f"Map of {numbers} of the list below"
    else:
        what = "Map with no homes on this page"
    where = []
    if place_label:
        where.append(f"around {place_label}, marked with a red cross")
    if found.district is not None:
        where.append(f"in {found.district.name}")
    names = [d.name for d in districts]
    shown = f" District outlines drawn: {', '.join(names)}." if names else ""
    return f"{what}{', ' if where else ''}{' '.join(where)}.{shown}"
