"""The Batching List as an xlsx a provider can tick and send back."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from caremarket.accounts.models import OrganisationKind
from caremarket.common.spreadsheets import safe_row
from caremarket.framework.models import Provider
from caremarket.sourcing.models import BatchingList, Package
from caremarket.sourcing.selectors.batching import batching_packages_for, batching_returns_of
from caremarket.sourcing.selectors.round_fit import RoundFit, round_fit_for

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
# After the columns an upload reads, so a list downloaded before it was added still uploads;
# the same figures as the page (decision 0094), as text.
FIT = "Fit with your round"


def fit_text(fit: RoundFit | None) -> str:
    """What the page's "Fit with your round" cell says, for the workbook."""
    if fit is None:
        return ""
    if not fit.located_clients:
        return "No current clients to compare with"
    approximate = "" if fit.exact else " (approximate)"
    return (
        f"{fit.within_1km} / {fit.within_2km} / {fit.within_5km} clients within 1 / 2 / 5 km; "
        f"nearest {fit.nearest_text}; {fit.calls_text} near your calls{approximate}"
    )


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
    # Whom the page shows round fit: a home care provider's staff (sourcing.view_round_fit).
    fits = (
        round_fit_for(organisation_id=provider.organisation_id, packages=packages)
        if provider.organisation.kind == OrganisationKind.HOME_CARE_PROVIDER
        else {}
    )
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
    ws.append([*COLUMNS, FIT])
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
    for package in packages:
        ws.append(
            safe_row(
                [
                    *package_row(package),
                    "Y" if ticks.get(package.pk) else "",
                    fit_text(fits.get(package.pk)),
                ]
            )
        )
    yes_no = DataValidation(type="list", formula1='"Y,N"', allow_blank=True)
    ws.add_data_validation(yes_no)
    if packages:
        yes_no.add(f"I{HEADER_ROW + 1}:I{HEADER_ROW + len(packages)}")
    widths = (14, 16, 12, 22, 28, 12, 40, 12, 16, 60)
    for column, width in zip("ABCDEFGHIJ", widths, strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    meta = wb.create_sheet("About")
    meta.append(["batching_list", batching_list.reference])
    meta.append(["provider", provider.cqc_provider_id])
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
