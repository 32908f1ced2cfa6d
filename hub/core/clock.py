"""The hub's notion of now, injectable so tests can pin it."""
from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from pricing import MOSCOW


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """Wall-clock time; "today" is the Moscow date, the providers' business day (CAL-01)."""

    def now(self) -> datetime:
        return datetime.now(MOSCOW)

    def today(self) -> date:
        return self.now().date()


class FixedClock:
    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a clock's instant must be timezone-aware")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.astimezone(MOSCOW).date()
