"""Request counters kept in process memory: a fixed window per identity, O(1) per request.

Each identity (a verified API key, or a client address for failed authentications)
gets a window of ``period`` seconds that opens with its first request; up to
``limit`` requests count in it, and the next one waits until it closes. Entries
live in an OrderedDict sorted by the time their window opened, so closed windows
are dropped from its front (O(1) each) as it is touched, and the table never
holds more than ``max_entries`` identities. Time is read from an injectable
monotonic clock (seconds as a float), so tests move it instead of sleeping.

Nothing here awaits, so under asyncio one check-and-count is atomic without a
lock. The counts are per process: with several processes each counts on its own.
"""
from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

Monotonic = Callable[[], float]
DEFAULT_MAX_ENTRIES = 100_000


@dataclass(frozen=True, slots=True)
class Verdict:
    """One request's standing in its identity's window."""

    allowed: bool
    limit: int
    remaining: int
    reset: int  # whole seconds until the window closes (at least 1)
    period: int

    def headers(self) -> dict[str, str]:
        """The RateLimit-* headers (IETF draft, as Litestar sent them); a refusal also has Retry-After."""
        headers = {
            "RateLimit-Policy": f"{self.limit}; w={self.period}",
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset)
        return headers

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """``headers()`` as an ASGI message carries them."""
        return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.headers().items()]


class _Window:
    __slots__ = ("count", "opened")

    def __init__(self, opened: float) -> None:
        self.opened = opened
        self.count = 0


class WindowLimiter:
    """At most ``limit`` counted requests per identity per ``period`` seconds; ``limit`` 0 turns it off."""

    def __init__(self, limit: int, period: float = 60.0, *, clock: Monotonic = time.monotonic,
                 max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if period <= 0 or max_entries < 1:
            raise ValueError("a rate limit needs a positive period and room for one identity")
        self.limit = max(limit, 0)
        self.period = period
        self.clock = clock
        self.max_entries = max_entries
        self._windows: OrderedDict[Hashable, _Window] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def __len__(self) -> int:
        return len(self._windows)

    def check(self, identity: Hashable) -> Verdict:
        """Where ``identity`` stands, counting nothing."""
        if not self.enabled:
            return self._verdict(None, 0.0, True)
        now = self.clock()
        window = self._current(identity, now)
        return self._verdict(window, now, window is None or window.count < self.limit)

    def hit(self, identity: Hashable) -> Verdict:
        """Count one request of ``identity`` if its window has room; a refused one is not counted."""
        if not self.enabled:
            return self._verdict(None, 0.0, True)
        now = self.clock()
        window = self._current(identity, now)
        if window is None:
            window = self._open(identity, now)
        allowed = window.count < self.limit
        if allowed:
            window.count += 1
        return self._verdict(window, now, allowed)

    def _current(self, identity: Hashable, now: float) -> _Window | None:
        self._evict_closed(now)
        return self._windows.get(identity)

    def _open(self, identity: Hashable, now: float) -> _Window:
        windows = self._windows
        while len(windows) >= self.max_entries:  # full of live windows: forget the oldest
            windows.popitem(last=False)
        window = windows[identity] = _Window(now)
        return window

    def _evict_closed(self, now: float) -> None:
        """Drop closed windows from the front; each entry is dropped once, so this is amortised O(1)."""
        windows = self._windows
        horizon = now - self.period
        while windows:
            oldest = next(iter(windows.values()))
            if oldest.opened > horizon:
                return
            windows.popitem(last=False)

    def _verdict(self, window: _Window | None, now: float, allowed: bool) -> Verdict:
        period = math.ceil(self.period)
        if window is None:
            return Verdict(True, self.limit, self.limit, period, period)
        reset = max(1, math.ceil(window.opened + self.period - now))
        return Verdict(allowed, self.limit, max(self.limit - window.count, 0), reset, period)
