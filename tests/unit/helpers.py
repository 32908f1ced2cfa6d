from __future__ import annotations

from datetime import date

import msgspec

from pricing import PartnerStanding, QuoteRequest, SubscriptionPriceRequest

TODAY = date(2026, 11, 22)


def price(engines, partner: dict | None = None, **fields):
    """The engine's price for ``fields``, with ``partner`` as the engine reads the standing (PartnerStanding)."""
    request = msgspec.convert(fields, SubscriptionPriceRequest)
    return engines[request.provider].price(request, standing(**(partner or {})), TODAY)


def quote_need(**fields) -> QuoteRequest:
    fields.setdefault("region", "ru")
    fields.setdefault("months", 12)
    return msgspec.convert(fields, QuoteRequest)


def standing(**fields) -> PartnerStanding:
    return msgspec.convert(fields, PartnerStanding)
