"""Ordering at a partner cabinet (the ``rarus_cabinet`` interface): the customer pays the provider, so an
order is the conversion of a trial to paying (RA-BILL-01) or a later change of its seat plan (RA-BILL-02),
priced by the provider's engine; currency, region and tariff come from its catalog."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import PartnerStanding, QuoteRequest, RarusInvoice, change_invoice, first_invoice, months_charged
from providers import PROFILES

from hub.core.caller import Caller
from hub.core.db.models import Customer, Subscription
from hub.core.exceptions import InvalidField
from hub.quotes.service import PricingService
from hub.subscriptions import reading
from hub.subscriptions.schemas import SubscriptionCreate

STEPS = {"conversion": "rarus_convert", "change": "rarus_change"}  # the order's kind → the worker step sending it


class CabinetOrders:
    """The orders of the ``rarus_cabinet`` interface."""

    kinds = tuple(STEPS)

    def __init__(self, pricing: PricingService) -> None:
        self.pricing = pricing

    def step(self, row: Subscription) -> str:
        return STEPS[row.kind]

    async def build(self, session: AsyncSession, caller: Caller, customer: Customer, data: SubscriptionCreate,
                    standing: PartnerStanding, today: date, now: datetime) -> tuple[Subscription, list[str]]:
        provider = data.provider
        if data.kind not in STEPS:
            raise InvalidField("kind", f"{PROFILES[provider].title} orders are 'conversion' (trial to paying) or 'change'")
        if not data.seat_plan:
            raise InvalidField("seat_plan", "name the seat plan the customer pays for", rule="RA-PRICE-02")
        live = await reading.live(session, caller, customer.id, provider, kinds=("conversion",))
        if data.kind == "conversion" and live:
            raise InvalidField("kind", "the customer already pays; order a change", rule="RA-BILL-02")
        if data.kind == "change" and not live:
            raise InvalidField("kind", "convert the trial to paying first", rule="RA-BILL-01")
        catalog, engine = self.pricing.catalogs[provider], self.pricing.engines[provider]
        need = QuoteRequest(region=catalog.region, months=1, seat_plan=list(data.seat_plan), options=list(data.options),
                            providers=[provider])
        offer = engine.quote(need, PartnerStanding(), today)
        if not offer.eligible or offer.monthly_price is None:
            raise InvalidField("seat_plan", offer.reason or "not priced", rule="RA-PRICE-05")
        monthly = catalog.money(offer.monthly_price).rounded().amount
        if data.kind == "conversion":  # RA-BILL-01: whole calendar months, the second half runs to the next month's end
            months = data.months or 1
            invoice = first_invoice(today, months, monthly)
        else:  # RA-BILL-02: a paying customer's rise is a surcharge for the rest of the paid period
            invoice = await self._change_invoice(session, caller, customer.id, live[-1], monthly, today)
            months = months_charged(invoice.start, max(invoice.start, invoice.end))
        return Subscription(
            partner_id=caller.partner_id, customer_id=customer.id, provider=provider, kind=data.kind, pricing_kind=None,
            tariff=offer.tariff or catalog.default_tariffs.get("first", catalog.title), tariff_code=None,
            quantity=offer.connections or 1, start=invoice.start, end=invoice.end, months_charged=months,
            currency=str(catalog.currency), retail=max(invoice.amount, Decimal("0.00")), discount_percent=None,
            partner_cost=Decimal("0.00"), partner_monthly=None, customer_price=monthly, invoice_due=None,
            main_id=live[-1].id if live else None, seat_plan=msgspec.to_builtins(data.seat_plan),
            options=list(data.options), rules=["RA-BILL-01" if data.kind == "conversion" else "RA-BILL-02", "RA-PRICE-02"],
            status="requested", created_at=now, updated_at=now), []

    @staticmethod
    async def _change_invoice(session: AsyncSession, caller: Caller, customer_id: str, conversion: Subscription,
                              monthly: Decimal, today: date) -> RarusInvoice:
        """RA-BILL-02, as the provider bills it (pricing.change_invoice): free before the conversion is paid;
        then the difference to the monthly price now applied, over the rest of the paid period."""
        if conversion.status != "active":  # no paid period yet: the provider changes the plan free
            return RarusInvoice(today, conversion.end, {})
        applied = [o for o in await reading.live(session, caller, customer_id, conversion.provider,
                                                 kinds=("conversion", "change")) if o.status == "active"]
        # the latest applied; of equal stamps (a pinned clock) the later in the running order
        current = sorted(applied, key=lambda o: o.created_at)[-1].customer_price
        paid = (conversion.provider_data or {}).get("paid") or {}
        paid_through = date.fromisoformat(paid["paid_through"]) if paid.get("paid_through") else conversion.end
        return change_invoice(today, paid_through, current, monthly)
