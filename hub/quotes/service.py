"""Quotes, subscription prices and catalogs: the same calls for the API and the CLI."""
from __future__ import annotations

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


class PricingService:
    def __init__(self, catalogs: dict[str, Catalog], clock: Clock) -> None:
        self.catalogs = catalogs
        self.engines = build_engines(catalogs)
        self.clock = clock

    @staticmethod
    def _standing(what_if: StandingWhatIf | None, own: PartnerStanding | None) -> PartnerStanding:
        """The calling partner's own standing, with what a request's what-if ``partner`` changes: the fields it
        names replace the stored ones, the rest stays (one spelling: pricing/standing.py)."""
        check_standing(what_if)
        return with_what_if(own, what_if)

    def quote(self, need: QuoteRequest, own: PartnerStanding | None = None) -> QuoteResponse:
        return compare(need, self.engines, self._standing(need.partner, own), self.clock.today())

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
