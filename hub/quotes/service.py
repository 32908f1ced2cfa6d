"""Quotes, subscription prices and catalogs: the same calls for the API and the CLI."""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import date

import msgspec

from pricing import (
    Catalog,
    FreshEngine,
    PartnerStanding,
    QuoteRequest,
    QuoteResponse,
    RequestInvalid,
    StandingWhatIf,
    SubscriptionPrice,
    SubscriptionPriceRequest,
    build_engines,
    check_standing,
    compare,
    with_what_if,
)

from hub.core.clock import Clock
from hub.core.exceptions import UnknownProvider

__all__ = ["PricingService", "UnknownProvider"]


QUOTES_KEPT = 2048  # encoded quote answers kept per process
KNOWN_BODY_BYTES = 16_384  # a body is kept for known_answer only up to this size (a larger one is padding)


class PricingService:
    def __init__(self, catalogs: dict[str, Catalog], clock: Clock) -> None:
        self.catalogs = catalogs
        self.engines = build_engines(catalogs)
        self.clock = clock
        self._answers: OrderedDict[tuple[bytes, bytes, date], bytes] = OrderedDict()
        self._asked: OrderedDict[tuple[bytes, bytes, date], bytes] = OrderedDict()  # by the request body's SHA-256

    @staticmethod
    def _standing(what_if: StandingWhatIf | None, own: PartnerStanding | None) -> PartnerStanding:
        """The calling partner's own standing, with what a request's what-if ``partner`` changes: the fields it
        names replace the stored ones, the rest stays (one spelling: pricing/standing.py)."""
        check_standing(what_if)
        return with_what_if(own, what_if)

    def quote(self, need: QuoteRequest, own: PartnerStanding | None = None) -> QuoteResponse:
        return compare(need, self.engines, self._standing(need.partner, own), self.clock.today())

    def quote_json(self, need: QuoteRequest, own: PartnerStanding | None = None, asked: bytes | None = None) -> bytes:
        """``quote`` as the API answers it, encoded. A quote is a pure function of the need, the standing, the
        day and the catalogs (loaded once per process), so the last answers are kept by those (LRU). ``asked``:
        the request body ``need`` was decoded from, once it passed the input checks — the answer is kept by
        those bytes' SHA-256 too, for ``known_answer`` (bodies up to ``KNOWN_BODY_BYTES``)."""
        standing = self._standing(need.partner, own)
        today = self.clock.today()
        encoded = _kept(self._answers, (msgspec.json.encode(need), msgspec.json.encode(standing), today),
                        lambda: msgspec.json.encode(compare(need, self.engines, standing, today)))
        if asked is not None and len(asked) <= KNOWN_BODY_BYTES:
            _kept(self._asked, (hashlib.sha256(asked).digest(), _own_key(own), today), lambda: encoded)
        return encoded

    def known_answer(self, asked: bytes, own: PartnerStanding | None) -> bytes | None:
        """The answer ``quote_json`` gave today to this very body and this caller's standing, if it is kept: the
        body passed every input check then, and the answer is a pure function of the two (hub/quotes/known.py)."""
        if len(asked) > KNOWN_BODY_BYTES:
            return None
        key = (hashlib.sha256(asked).digest(), _own_key(own), self.clock.today())
        found = self._asked.get(key)
        if found is not None:
            self._asked.move_to_end(key)
        return found

    def price(self, request: SubscriptionPriceRequest, own: PartnerStanding | None = None) -> SubscriptionPrice:
        engine = self.engines[request.provider]
        if not isinstance(engine, FreshEngine):
            raise RequestInvalid("provider", f"{request.provider} subscriptions are not priced this way")
        return engine.price(request, self._standing(request.partner, own), self.clock.today())

    def catalog(self, provider: str) -> Catalog:
        try:
            return self.catalogs[provider]
        except KeyError:
            raise UnknownProvider(provider) from None


def _own_key(own: PartnerStanding | None) -> bytes:
    return b"" if own is None else msgspec.json.encode(own)


def _kept(table: OrderedDict[tuple[bytes, bytes, date], bytes], key: tuple[bytes, bytes, date],
          make: Callable[[], bytes]) -> bytes:
    """``table[key]``, made and kept (the ``QUOTES_KEPT`` most recent) when missing."""
    found = table.get(key)
    if found is not None:
        table.move_to_end(key)
        return found
    table[key] = made = make()
    if len(table) > QUOTES_KEPT:
        table.popitem(last=False)
    return made
