"""Who is calling: the partner and the API key behind a request."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ROLES = ("viewer", "operator", "admin")


@dataclass(frozen=True)
class Caller:
    partner_id: str
    key_id: str | None  # None for the CLI acting as the partner's administrator
    role: str
    standing: Any = None  # the partner's pricing standing, read with the key (saves a query per quote)

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}" if self.key_id else "cli"

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)
