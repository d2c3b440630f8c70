"""Small files in each shape CQC publishes, byte for byte as its files come.

The care directory CSV: four preamble lines, then the headings (current, or the 2017-2020
spellings "Local Authority" and "CQC Location (for office use only"), UTF-8 with a BOM,
quoted fields with commas. The care directory with filters: a README sheet, then
HSCA_Active_Locations with Y flags under "Service type - ..." and "Service user band - ...".
Latest ratings: a Locations sheet with "Domain" (or "Key Question" in older files) and
population-group rows. ODS versions are converted from the xlsx by LibreOffice.
"""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook

CURRENT = (
    "Name",
    "Also known as",
    "Address",
    "Postcode",
    "Phone number",
    "Service's website (if available)",
    "Service types",
    "Date of latest check",
    "Specialisms/services",
    "Provider name",
    "Local authority",
    "Region",
    "Location URL",
    "CQC Location ID (for office use only)",
    "CQC Provider ID (for office use only)",
)
OLD = tuple(
    {"Local authority": "Local Authority", CURRENT[13]: "CQC Location (for office use only"}.get(
        h, h
    )
    for h in CURRENT
)
PREAMBLE = (
    "Care Quality Commission: care directory",
    "Active locations for providers registered under the Health and Social Care Act",
    "Data as at 01 October 2026",
    "",
)


def directory_row(
    location_id: str,
    name: str,
    postcode: str,
    *,
    provider_id: str = "1-900000001",
    provider: str = "Meadow Care Ltd",
    types: str = "Residential homes",
    specialisms: str = "Caring for adults over 65 yrs|Dementia",
    website: str = "",
    checked: str = "05/03/2026",
    authority: str = "Essex",
    region: str = "East",
) -> list[str]:
    return [
        name,
        "",
        f"1 {name} Road, Somewhere",
        postcode,
        "01245 000000",
        website,
        types,
        checked,
        specialisms,
        provider,
        authority,
        region,
        f"https://www.cqc.org.uk/location/{location_id}",
        location_id,
        provider_id,
    ]


def directory_csv(rows: Iterable[Sequence[str]], *, headings: Sequence[str] = CURRENT) -> bytes:
    out = io.StringIO()
    for line in PREAMBLE:
        out.write(f"{line}\r\n" if line else "\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


FILTERS_HEADINGS = (
    "Location ID",
    "Location ODS Code",
    "Location Name",
    "Location Telephone Number",
    "Location Web Address",
    "Care home?",
    "Care homes beds",
    "Location Type/Sector",
    "Location Inspection Directorate",
    "Location Primary Inspection Category",
    "Location Latest Overall Rating",
    "Publication Date",
    "Location Region",
    "Location Local Authority",
    "Location Street Address",
    "Location Address Line 2",
    "Location City",
    "Location County",
    "Location Postal Code",
    "Provider ID",
    "Provider Name",
    "Service type - Care home service with nursing",
    "Service type - Care home service without nursing",
    "Service type - Domiciliary care service",
    "Service user band - Dementia",
    "Service user band - Older People",
    "Service user band - Younger Adults",
)


def filters_row(
    location_id: str,
    name: str,
    postcode: str,
    *,
    beds: object = 30,
    nursing: bool = False,
    residential: bool = True,
    home_care: bool = False,
    dementia: bool = True,
    region: str = "East",
    provider_id: str = "1-900000001",
) -> list[object]:
    flag = {True: "Y", False: None}
    return [
        location_id,
        None,
        name,
        "01245 000000",
        None,
        "Y" if (nursing or residential) else "N",
        beds,
        "Social Care Org",
        "Adult social care",
        "Residential social care" if (nursing or residential) else "Community based",
        "Good",
        "2025-04-20",
        region,
        "Essex",
        f"1 {name} Road",
        None,
        "Chelmsford",
        "Essex",
        postcode,
        provider_id,
        "Meadow Care Ltd",
        flag[nursing],
        flag[residential],
        flag[home_care],
        flag[dementia],
        "Y",
        None,
    ]


def filters_xlsx(rows: Iterable[Sequence[object]]) -> bytes:
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    readme.append(["Care directory with filters"])
    readme.append(["Source: CQC database as at 01 October 2026"])
    readme.append(["Management Information Requests Performance Team"])
    data = wb.create_sheet("HSCA_Active_Locations")
    data.append(list(FILTERS_HEADINGS))
    for row in rows:
        data.append(list(row))
    wb.create_sheet("Dual_Registration_Locations").append(["Location ID", "Primary ID"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


RATINGS_HEADINGS = (
    "Location ID",
    "Location ODS Code",
    "Location Name",
    "Care Home?",
    "Location Type",
    "Location Post Code",
    "Location Local Authority",
    "Service / Population Group",
    "{domain}",
    "Latest Rating",
    "Publication Date",
    "Report Type",
    "Inherited Rating (Y/N)",
    "URL",
    "Provider ID",
    "Provider Name",
)


def ratings_rows(
    location_id: str, ratings: dict[str, str], *, published: str = "2025-04-20", group: str = ""
) -> list[list[str]]:
    return [
        [
            location_id,
            "",
            "A home",
            "Y",
            "Social Care Org",
            "CM1 1AA",
            "Essex",
            group or "Overall",
            domain,
            rating,
            published,
            "Location",
            "N",
            "",
            "1-900000001",
            "Meadow Care Ltd",
        ]
        for domain, rating in ratings.items()
    ]


def ratings_xlsx(rows: Iterable[Sequence[object]], *, domain: str = "Domain") -> bytes:
    wb = Workbook()
    locations = wb.active
    locations.title = "Locations"
    locations.append([h.format(domain=domain) for h in RATINGS_HEADINGS])
    for row in rows:
        locations.append(list(row))
    providers = wb.create_sheet("Providers")
    providers.append(["Provider ID", "Provider Name", domain, "Latest Rating", "Publication Date"])
    providers.append(["1-900000001", "Meadow Care Ltd", "Overall", "Inadequate", "2025-01-01"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ratings_csv(rows: Iterable[Sequence[object]], *, domain: str = "Domain") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h.format(domain=domain) for h in RATINGS_HEADINGS])
    writer.writerows(rows)
    return out.getvalue().encode()


def as_ods(data: bytes, name: str, tmp_path: Path) -> bytes:
    """The workbook as LibreOffice saves it in OpenDocument, as CQC publishes it."""
    source = tmp_path / f"{name}.xlsx"
    source.write_bytes(data)
    profile = tmp_path / "profile"  # its own profile, so parallel runs never share a lock
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / f"{name}.ods").read_bytes()
