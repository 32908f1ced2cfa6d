from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from pricing import QuoteRequest, QuoteResponse, SubscriptionPrice, SubscriptionPriceRequest

from hub.quotes import PricingService


class QuotesController(Controller):
    path = "/api/v1/quotes"
    tags = ["quotes"]

    @post(status_code=200, summary="Price one customer need on every eligible cloud", )
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[QuoteRequest],
                     pricing: NamedDependency[PricingService]) -> Response[QuoteResponse]:
        """Offers ranked by the customer's total price, each with the partner's cost and income.
        The calling partner's stored standing applies; a what-if `partner`, spelled as the stored standing
        (`{"fresh_ru": {"csk": false}}`), changes only the fields it names."""
        body = await request.body()  # read already: the answer is kept by it too (hub/quotes/known.py)
        return Response(pricing.quote_json(data, request.user.standing, body), media_type=MediaType.JSON)  # type: ignore[arg-type]


class PricesController(Controller):
    path = "/api/v1/prices"
    tags = ["quotes"]

    @post("/subscription", status_code=200, summary="Price one Fresh-family subscription", )
    async def subscription(self, request: Request[Any, Any, Any], data: JSONBody[SubscriptionPriceRequest],
                           pricing: NamedDependency[PricingService]) -> SubscriptionPrice:
        """Retail, discount, partner cost, period, months charged and invoice due date — before anything is created.
        A what-if `partner` changes only the stored standing's fields it names, as for quotes."""
        return pricing.price(data, request.user.standing)
