"""The sandbox's "now": wall-clock time plus an offset that the control API moves."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from pricing import MOSCOW


class SandboxClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset

    def today(self) -> date:
        """The providers' business day: the Moscow date (CAL-01)."""
        return self.now().astimezone(MOSCOW).date()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("a timezone-aware instant is needed")
        self._offset = instant - datetime.now(timezone.utc)
        return self.now()
