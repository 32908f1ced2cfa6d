"""A circuit breaker per provider: after ``threshold`` transient failures in a row, calls fail fast
for ``cooldown`` seconds; then one trial call decides whether it closes again."""
from __future__ import annotations

import time
from collections.abc import Callable

from .errors import CircuitOpen


class CircuitBreaker:
    def __init__(self, provider: str, threshold: int = 5, cooldown: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.provider, self.threshold, self.cooldown, self.clock = provider, threshold, cooldown, clock
        self.failures = 0
        self.opened_at: float | None = None

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "open" if self.clock() - self.opened_at < self.cooldown else "half_open"

    def before_call(self) -> None:
        if self.state == "open":
            assert self.opened_at is not None
            remaining = self.cooldown - (self.clock() - self.opened_at)
            raise CircuitOpen(f"{self.provider} is failing; calls paused for {remaining:.0f} s",
                              provider=self.provider, retry_after=remaining)

    def success(self) -> None:
        self.failures, self.opened_at = 0, None

    def failure(self) -> None:
        self.failures += 1
        if self.state == "half_open" or self.failures >= self.threshold:
            self.opened_at = self.clock()
