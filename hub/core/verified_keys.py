"""Verified callers kept in memory, so that a request with a key the process verified a moment ago does not
read the database again (issue 15: the key lookup was half of a quote's time).

An entry is keyed by the SHA-256 of the presented key — the secret itself is never kept — and holds the
caller (partner, key, role and the partner's pricing standing) for at most ``ttl`` seconds; the table is
bounded (the least recently used entry goes first). A miss goes to the database as before, with its
constant-time comparison. What changes a caller invalidates it at once in the process that made the change
(``forget_key`` on revocation, ``forget_partner`` on a standing change: every cache of the process is told);
another process — a `hub key revoke` on the command line, a second `hub serve` worker — sees it within ``ttl``
(``HUB_KEY_CACHE_SECONDS``, default 30; 0 turns the cache off).

Nothing here awaits, so under asyncio one read or write is atomic without a lock."""
from __future__ import annotations

import hashlib
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.caller import Caller

DEFAULT_TTL = 30.0
DEFAULT_MAX_ENTRIES = 10_000
_CACHES: weakref.WeakSet[VerifiedKeys] = weakref.WeakSet()


def digest(presented: str) -> bytes:
    return hashlib.sha256(presented.encode("utf-8", "surrogatepass")).digest()


class VerifiedKeys:
    def __init__(self, ttl: float = DEFAULT_TTL, *, max_entries: int = DEFAULT_MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_entries, self.clock = ttl, max(max_entries, 1), clock
        self._entries: OrderedDict[bytes, tuple[Caller, float]] = OrderedDict()
        self.generation = 0  # bumped by every drop: a caller read before one is not put after it
        _CACHES.add(self)

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, presented: bytes) -> Caller | None:
        found = self._entries.get(presented)
        if found is None:
            return None
        caller, expires = found
        if expires <= self.clock():
            del self._entries[presented]
            return None
        self._entries.move_to_end(presented)
        return caller

    def put(self, presented: bytes, caller: Caller, read_in: int) -> None:
        """Keep ``caller``, read from the database in generation ``read_in`` — unless something was dropped
        since (a revocation or standing change committed while it was read: what it read may be old)."""
        if not self.enabled or read_in != self.generation:
            return
        self._entries[presented] = (caller, self.clock() + self.ttl)
        self._entries.move_to_end(presented)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def drop(self, wanted: Callable[[Caller], bool]) -> None:
        self.generation += 1
        for presented in [p for p, (caller, _) in self._entries.items() if wanted(caller)]:
            del self._entries[presented]


def _forget(session: AsyncSession, wanted: Callable[[Caller], bool]) -> None:
    """Drop the matching callers now and once more when the change commits — a request verified between
    the two read the database as it was and must not keep that for the TTL."""
    def drop(*_: object) -> None:
        for cache in list(_CACHES):
            cache.drop(wanted)

    drop()
    event.listen(session.sync_session, "after_commit", drop, once=True)


def forget_key(session: AsyncSession, key_id: str) -> None:
    """A revoked key: refused at once by every cache of this process."""
    _forget(session, lambda caller: caller.key_id == key_id)


def forget_partner(session: AsyncSession, partner_id: str) -> None:
    """The partner's standing changed: its callers are read again on their next request."""
    _forget(session, lambda caller: caller.partner_id == partner_id)
