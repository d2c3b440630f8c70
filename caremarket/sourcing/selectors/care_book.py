"""The book of care file: its columns and the template the council downloads."""

from __future__ import annotations

from caremarket.common.spreadsheets import Sheet, csv_text

COLUMNS = (
    "Person reference",
    "Provider",
    "Postcode",
    "Service type",
    "Cohort",
    "Hours a week",
    "Start date",
    "Framework or spot",
)
OPTIONAL = ("CQC provider ID", "Rate", "Rate unit", "Weekly cost", "Purchase order number")
TEMPLATE_ROWS = (
    (
        "ECC-000123",
        "Meadow Home Care Ltd",
        "CM1 1QH",
        "Personal Care",
        "Older people",
        "10.5",
        "2024-03-04",
        "Framework",
        "1-101234567",
        "22.10",
        "hour",
        "",
        "PO-LEGACY-1",
    ),
    (
        "ECC-000456",
        "Harbour Care Agency",
        "CO1 1AA",
        "24-hour / Live-in Care",
        "Learning disability and autism",
        "168",
        "2023-11-20",
        "Spot",
        "",
        "",
        "",
        "1350.00",
        "",
    ),
)


def care_book_template_csv() -> str:
    return csv_text(
        sheet=Sheet(title="Book of care", columns=[*COLUMNS, *OPTIONAL], rows=TEMPLATE_ROWS)
    )
