"""The hub's notion of now: the one place that reads the wall clock. Everything else — the API, the
in-process worker, `hub worker`, the services — is handed a ``Clock`` by the composition root.

``ControllableClock`` is the demo's (HUB_CLOCK=controllable, `hub up --demo`): POST /_control/clock
moves it forward, like the sandboxes' clocks, so trials end and transfers auto-approve on demand.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

from pricing import MOSCOW


@runtime_checkable  # controllers take it as a dependency, which Litestar checks by isinstance
class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


def utcnow() -> datetime:
    """The wall clock in UTC — for what is not business time (audit stamps of a CLI run without a hub)."""
    return datetime.now(timezone.utc)


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


class ControllableClock:
    """The wall clock plus an offset that only grows: it runs on, and can be moved forward or set."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        return datetime.now(MOSCOW) + self._offset

    def today(self) -> date:
        return self.now().astimezone(MOSCOW).date()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("a timezone-aware instant is needed")
        if instant < self.now() - timedelta(seconds=1):
            raise ValueError("the clock only moves forward")
        self._offset = instant - datetime.now(MOSCOW)
        return self.now()
