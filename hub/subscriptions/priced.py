"""The request the hub prices a Service Manager subscription with: at ordering (service_manager.py) and again
when the provider's figures are checked against it (agreement.py) — one spelling of the kinds and the period."""
from __future__ import annotations

from datetime import date

from pricing import CustomerFacts, SubscriptionPriceRequest
from pricing.discounts import subscription_kind
from pricing.requests import MainPeriod

from hub.core.db.models import Subscription


def pricing_kind(kind: str, earlier: int) -> str:
    """The hub's kind as the pricing engine names it: a main is the first, first renewal or a later renewal
    by the mains of its line before it (FR-DISC-04, FAM-SUB-08); the others are named alike."""
    return subscription_kind(earlier) if kind == "main" else kind


def price_request(provider: str, kind: str, tariff: str, months: int | None, start: date, created_on: date,
                  quantity: int, new_to_1c: bool | None, main: Subscription | None) -> SubscriptionPriceRequest:
    return SubscriptionPriceRequest(
        provider=provider, kind=kind, tariff=tariff, months=months, start=start,  # type: ignore[arg-type]
        created_on=created_on, quantity=quantity, customer=CustomerFacts(new_to_1c=new_to_1c),
        main=MainPeriod(main.start, main.end) if main else None)
