"""Who acts, as the apps below accounts see a person.

Services in apps above accounts take `accounts.models.User`; audit, common and cqc sit below (or
beside) accounts and cannot import it, so they take this: anything that has a primary key and
answers permission questions, which `User` does.
"""

from __future__ import annotations

from typing import Any, Protocol


class Actor(Protocol):
    @property
    def pk(self) -> Any: ...

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...
