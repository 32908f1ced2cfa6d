"""The error tree every layer shares; the hub turns any of it into a problem-details response.

    Refused (422)        what every refusal carries: status, message, field, rule, title
    ├── PricingError     the engines' refusals
    │   ├── RequestInvalid   a field's value cannot be priced (names the field)
    │   └── RuleViolation    a business rule refuses the request (names the rule id)
    └── (hub.core.exceptions) HubError: InvalidField, NotFound 404, Conflict 409, Forbidden 403, …
"""
from __future__ import annotations


class Refused(Exception):
    """What every refusal carries, the engines' and the hub's (hub.core.exceptions.HubError) alike: an HTTP
    status (422 unless a subclass says otherwise), the message, and the field or the rule id it names."""

    status = 422

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    @property
    def title(self) -> str:
        return "Refused by a business rule" if self.rule else "Invalid request"


class PricingError(Refused):
    """The root of the engines' refusals."""


class RequestInvalid(PricingError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


class RuleViolation(PricingError):
    def __init__(self, rule: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field, rule=rule)
