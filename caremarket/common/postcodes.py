"""UK postcodes as text: shared by every app that reads an address (CQC files, uploads)."""

from __future__ import annotations

import re

from caremarket.common.errors import ValidationFailed

FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")

MALFORMED = "“{value}” is not a valid UK postcode. Enter a postcode like CM1 1QH."


def postcode_normalise(value: str) -> str:
    """'cm11qh' or ' CM1  1QH ' -> 'CM1 1QH'. Raises ValidationFailed for anything else."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = FULL.match(compact)
    if not match:
        raise ValidationFailed({"postcode": [MALFORMED.format(value=(value or "").strip())]})
    return f"{match.group(1)} {match.group(2)}"
