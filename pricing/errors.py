"""The pricing error tree.

    PricingError
    ├── RequestInvalid   a field's value cannot be priced (names the field)
    └── RuleViolation    a business rule refuses the request (names the rule id)

The hub turns both into a 422 problem-details response, once, in one handler.
"""
from __future__ import annotations


class PricingError(Exception):
    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule


class RequestInvalid(PricingError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


class RuleViolation(PricingError):
    def __init__(self, rule: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field, rule=rule)
