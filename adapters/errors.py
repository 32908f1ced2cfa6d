"""What can go wrong in a call to a provider, as one tree.

    AdapterError
    ├── Transient      worth retrying: transport errors, timeouts, 408, 429, 5xx, "still in progress";
    │   └── CircuitOpen    the provider failed repeatedly; calls fail fast until the cool-down ends
    ├── Rejected       the provider refused (its code and message, the rule id where known): never retried
    ├── NotFound       the thing asked about does not exist there
    └── Misconfigured  our side is wrong (credentials, account, address): retrying will not help
"""
from __future__ import annotations


class AdapterError(Exception):
    def __init__(self, message: str, *, provider: str = "", code: str | int | None = None, rule: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message, self.provider, self.code, self.rule, self.retry_after = message, provider, code, rule, retry_after


class Transient(AdapterError):
    pass


class CircuitOpen(Transient):
    pass


class Rejected(AdapterError):
    pass


class NotFound(AdapterError):
    pass


class Misconfigured(AdapterError):
    pass
