from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class FileError:
    """One broken rule: where (row as a spreadsheet numbers it, header = 1) and what."""

    row: int | None
    column: str
    value: str
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
