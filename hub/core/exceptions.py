"""The hub's errors: the pricing error tree extended, so one handler translates them all.

    PricingError (422)                pricing/errors.py
    ├── InvalidField   a field's value is wrong (names the field, maybe a rule)
    ├── NotFound (404) absent, or another partner's (never confirm it exists)
    ├── Malformed (400) the body is not UTF-8, not JSON, or nested too deeply
    ├── Conflict (409) e.g. the same Idempotency-Key still being processed, or a transition already made
    ├── Unavailable (503) the hub's own configuration is missing (e.g. HUB_SECRET_KEY)
    └── Forbidden (403) the key's role may not do this
"""
from __future__ import annotations

from pricing import PricingError


class InvalidField(PricingError):
    def __init__(self, field: str, message: str, rule: str | None = None) -> None:
        super().__init__(message, field=field, rule=rule)


class _Fixed(PricingError):
    _title = ""

    @property
    def title(self) -> str:
        return self._title


class NotFound(_Fixed):
    status, _title = 404, "Not found"


class Malformed(_Fixed):
    status, _title = 400, "Malformed request"


class Unavailable(_Fixed):
    """The hub itself cannot do this now (e.g. its key for provider credentials is missing)."""

    status, _title = 503, "Service unavailable"


class Conflict(_Fixed):
    status, _title = 409, "Conflict"


class Forbidden(_Fixed):
    status, _title = 403, "Forbidden"
