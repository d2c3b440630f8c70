"""The four-weekly visit file: its columns and codes (published as docs/ehm-file-spec.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("provider_reference", True, "Your CQC provider ID", "1-000000002"),
    Column("branch_reference", True, "CQC location ID of the branch that delivered", "1-100000001"),
    Column("period_start", True, "First day of the four-week period (a Monday)", "2026-10-12"),
    Column("visit_reference", True, "Your unique reference for the visit", "V-000001"),
    Column("service_user_reference", True, "The council's reference for the person", "P123456"),
    Column("carer_reference", False, "Your reference for the (lead) carer", "C042"),
    Column("service_type", True, "Service type code", "PC"),
    Column("time_critical", False, "Y when the visit is time-critical, otherwise N", "N"),
    Column("planned_start", True, "Planned start date-time", "2026-10-12 08:00"),
    Column("planned_end", True, "Planned end date-time", "2026-10-12 08:45"),
    Column("actual_check_in", False, "Check-in date-time recorded by the EHM system", ""),
    Column("actual_check_out", False, "Check-out date-time recorded by the EHM system", ""),
    Column("check_in_method", False, "How the check-in was recorded (code)", "APP"),
    Column("carers", False, "Number of carers at the visit, 1 to 4 (blank means 1)", "1"),
    Column("visit_status", True, "Visit status code", "DELIVERED"),
    Column("exception_code", False, "Exception code, when there is one", ""),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED = tuple(c.name for c in COLUMNS if c.required)

SERVICE_TYPES = {
    "PC": "Personal Care",
    "NA": "Night Awake",
    "NS": "Night Sleep",
    "LI": "24-hour / Live-in Care",
}
VISIT_STATUSES = {
    "DELIVERED": "The visit took place",
    "MISSED": "The visit did not take place and should have",
    "CANCELLED": "Cancelled in advance by the person, their family or the council",
    "FRUSTRATED": "The carer attended but could not deliver care (no answer, refused entry)",
}
CHECK_IN_METHODS = {
    "APP": "Carer's mobile app, location verified at the person's home",
    "PHONE": "Call from the person's landline",
    "NFC": "NFC tag in the person's home",
    "QR": "QR code in the person's home",
    "MANUAL": "Entered or edited by the office (not verified at the home)",
}
# Methods that prove the carer was at the person's home.
AT_HOME_METHODS = ("APP", "PHONE", "NFC", "QR")
EXCEPTION_CODES = {
    "MERGED": "Merged into another visit (counts as missed)",
    "CARER_DELAYED": "Carer delayed (traffic, previous visit overran)",
    "HOSPITAL": "Person in hospital",
    "NO_ACCESS": "No access to the home",
    "REFUSED": "Person declined care",
    "OTHER": "Any other exception",
}
MAX_FIELD_LENGTH = 100
DATE_TIME_FORMATS = (
    "YYYY-MM-DD HH:MM[:SS] or YYYY-MM-DDTHH:MM[:SS] (ISO 8601)",
    "DD/MM/YYYY HH:MM[:SS]",
)


def template_rows() -> list[list[str]]:
    """The header and two example rows of the downloadable template."""
    delivered = [c.example for c in COLUMNS]
    delivered[COLUMN_NAMES.index("actual_check_in")] = "2026-10-12 08:05"
    delivered[COLUMN_NAMES.index("actual_check_out")] = "2026-10-12 08:47"
    missed = list(delivered)
    for name, value in {
        "visit_reference": "V-000002",
        "planned_start": "12/10/2026 18:00",
        "planned_end": "12/10/2026 18:30",
        "actual_check_in": "",
        "actual_check_out": "",
        "check_in_method": "",
        "visit_status": "MISSED",
        "exception_code": "OTHER",
    }.items():
        missed[COLUMN_NAMES.index(name)] = value
    return [list(COLUMN_NAMES), delivered, missed]
