"""The hub's errors: one tree rooted in the hub, beside the pricing engine's own.

    HubError (422)                    a refusal by the hub: status, title, message, field, rule
    ├── InvalidField   a field's value is wrong (names the field, maybe a rule)
    ├── NotFound (404) absent, or another partner's (never confirm it exists)
    ├── Malformed (400) the body is not UTF-8, not JSON, or nested too deeply
    ├── Conflict (409) e.g. the same Idempotency-Key still being processed, or a transition already made
    ├── Unavailable (503) the hub's own configuration is missing (e.g. HUB_SECRET_KEY)
    └── Forbidden (403) the key's role may not do this

    PricingError (422)                pricing/errors.py: the engines' refusals (RequestInvalid, RuleViolation)

Both carry the same attributes, and ``REFUSALS`` names both for the one place that translates them to
problem details (hub/core/errors.py, hub/core/problems.py) and for callers that report a refusal rather
than fail on it (the CLI, the renewals report).
"""
from __future__ import annotations

from pricing import PricingError
from pricing.errors import Refused


class HubError(Refused):
    """The root of the hub's own errors (not a ``PricingError``); a 422 unless a subclass says otherwise."""


REFUSALS: tuple[type[Exception], ...] = (HubError, PricingError)  # every error translated to problem details
Refusal = HubError | PricingError


class InvalidField(HubError):
    def __init__(self, field: str, message: str, rule: str | None = None) -> None:
        super().__init__(message, field=field, rule=rule)


class _Fixed(HubError):
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


class UnknownProvider(LookupError):
    """A provider the hub has no catalog of: a 404 problem naming the providers it knows (hub/core/errors.py)."""
