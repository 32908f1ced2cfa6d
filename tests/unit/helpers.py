from __future__ import annotations

from datetime import date

import msgspec

from pricing import PartnerStanding, QuoteRequest, SubscriptionPriceRequest

TODAY = date(2026, 11, 22)


def price(engines, **fields):
    request = msgspec.convert(fields, SubscriptionPriceRequest)
    return engines[request.provider].price(request, request.partner or PartnerStanding(), TODAY)


def quote_need(**fields) -> QuoteRequest:
    fields.setdefault("region", "ru")
    fields.setdefault("months", 12)
    return msgspec.convert(fields, QuoteRequest)


def standing(**fields) -> PartnerStanding:
    return msgspec.convert(fields, PartnerStanding)
