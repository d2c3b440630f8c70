"""The Batching List as an xlsx a provider can tick and send back."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from caremarket.common.spreadsheets import safe_row
from caremarket.framework.models import Provider
from caremarket.sourcing.models import BatchingList, Package
from caremarket.sourcing.selectors.batching import batching_packages_for, batching_returns_of

SHEET = "Batching List"
HEADER_ROW = 5
COLUMNS = (
    "Reference",
    "District",
    "Outward code",
    "Service type",
    "Cohort",
    "Hours a week",
    "Visit pattern",
    "Start date",
    "Interested (Y/N)",
)
FIXED = COLUMNS[:-1]
INTERESTED = COLUMNS[-1]


def package_row(package: Package) -> list[str]:
    """The fixed cells of a package's row, as text: what an upload is compared with."""
    return [
        package.reference,
        package.district.name,
        package.outward_code,
        package.lot.get_service_type_display(),
        package.lot.get_cohort_display(),
        format(package.hours_per_week.normalize(), "f"),
        package.visit_pattern,
        package.start_date.isoformat(),
    ]


def batching_list_workbook(*, batching_list: BatchingList, provider: Provider) -> bytes:
    packages = batching_packages_for(batching_list=batching_list, provider=provider)
    ticks = batching_returns_of(batching_list=batching_list, provider=provider)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    issued = timezone.localtime(batching_list.issued_at)
    closes = timezone.localtime(batching_list.closes_at)
    ws["A1"] = f"Batching List {batching_list.reference}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"Issued {issued:%d %B %Y %H:%M}. Return by {closes:%H:%M on %A %d %B %Y}."
    ws["A3"] = (
        f"For {provider.name} ({provider.cqc_provider_id}). "
        "Put Y against the packages you can take; change nothing else."
    )
    ws.append([])
    ws.append(list(COLUMNS))
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
    for package in packages:
        ws.append(safe_row([*package_row(package), "Y" if ticks.get(package.pk) else ""]))
    yes_no = DataValidation(type="list", formula1='"Y,N"', allow_blank=True)
    ws.add_data_validation(yes_no)
    if packages:
        yes_no.add(f"I{HEADER_ROW + 1}:I{HEADER_ROW + len(packages)}")
    for column, width in zip("ABCDEFGHI", (14, 16, 12, 22, 28, 12, 40, 12, 16), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    meta = wb.create_sheet("About")
    meta.append(["batching_list", batching_list.reference])
    meta.append(["provider", provider.cqc_provider_id])
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
