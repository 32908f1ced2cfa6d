"""The hub's error tree; hub/errors.py turns each into a problem-details response.

    HubError (422)
    ├── InvalidField   a field's value is wrong (names the field, maybe a rule)
    ├── NotFound (404) absent, or another partner's (never confirm it exists)
    ├── Conflict (409) e.g. the same Idempotency-Key still being processed
    └── Forbidden (403) the key's role may not do this
"""
from __future__ import annotations


class HubError(Exception):
    status = 422
    title = "Invalid request"

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule


class InvalidField(HubError):
    def __init__(self, field: str, message: str, rule: str | None = None) -> None:
        super().__init__(message, field=field, rule=rule)
        if rule:
            self.title = "Refused by a business rule"


class NotFound(HubError):
    status = 404
    title = "Not found"


class Conflict(HubError):
    status = 409
    title = "Conflict"


class Forbidden(HubError):
    status = 403
    title = "Forbidden"
