"""Ordering at a Service Manager (the Fresh family: 1С:Фреш, 1С:Фреш Казахстан, 1С:Медицина): main, renewal
(a copy with a new period, FAM-SUB-08), upgrade, add-ons; the customer's payment is recorded with the request
(FAM-SUB-01). The hub prices the order as /prices/subscription would, after the checks of order_rules.py."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import PartnerStanding
from pricing.subscription_rules import PROMISED_PAYMENT_DAYS
from providers import PROFILES

from hub.core.caller import Caller
from hub.core.db.models import Customer, Subscription
from hub.core.exceptions import InvalidField
from hub.customers.service import CARD_FIELDS, card_missing
from hub.onboarding.gates import gate_passed
from hub.partners.service import get_partner, partner_out
from hub.quotes.service import PricingService
from hub.subscriptions import order_rules, reading
from hub.subscriptions.priced import price_request, pricing_kind
from hub.subscriptions.schemas import LIVE, SubscriptionCreate

KINDS = ("main", "renewal", "upgrade", "addon_sessions", "addon_bases")
ATTACHED = ("upgrade", "addon_sessions", "addon_bases")  # to a main subscription (main_id)
STEP = "create_subscription"  # the worker step sending every order


class ServiceManagerOrders:
    """The orders of the ``service_manager`` interface: one ``create_subscription`` step each."""

    kinds = KINDS

    def __init__(self, pricing: PricingService) -> None:
        self.pricing = pricing

    def step(self, row: Subscription) -> str:
        return STEP

    async def _own_term(self, session: AsyncSession, caller: Caller, customer: Customer, provider: str, tariff: Any,
                        start: date, months: int | None, mains: list[Subscription]) -> int:
        """The months of the partner's own tariff, from the franchise contract in its standing there; one runs at
        a time, whichever card is the own organisation now."""
        running = await session.scalar(select(Subscription).where(
            Subscription.partner_id == caller.partner_id, Subscription.provider == provider,
            Subscription.tariff == tariff.name, Subscription.status.in_(LIVE), Subscription.end >= start)
            .order_by(Subscription.end.desc()).limit(1))
        if running is not None:
            raise InvalidField("start", f"{tariff.label!r} already runs until {running.end.isoformat()} (subscription "
                               f"{running.id}): renew it from {(running.end + timedelta(days=1)).isoformat()}",
                               rule=tariff.term_rule)
        section = getattr(partner_out(await get_partner(session, caller.partner_id)).standing, provider, None)
        renewing = any(m.tariff == tariff.name for m in mains)
        paid_customers = 0
        if renewing and tariff.renewal_needs_paid:
            paid_customers = await session.scalar(select(func.count()).select_from(Subscription).join(
                Customer, Customer.id == Subscription.customer_id).where(
                Subscription.partner_id == caller.partner_id, Subscription.provider == provider,
                Subscription.status.in_(LIVE), Subscription.customer_price > 0, Customer.own.is_(False))) or 0
        return order_rules.own_tariff(customer, tariff, provider, start, months,
                                      getattr(section, "franchise_contract_end", None), renewing, paid_customers)

    async def build(self, session: AsyncSession, caller: Caller, customer: Customer, data: SubscriptionCreate,
                    standing: PartnerStanding, today: date, now: datetime) -> tuple[Subscription, list[str]]:
        provider, catalog = data.provider, self.pricing.catalogs[data.provider]
        card = {f: getattr(customer, f) for f in CARD_FIELDS}
        missing = card_missing(card)[provider]
        if missing:
            raise InvalidField("customer_id", f"fill the card first ({PROFILES[provider].card_rule}): {', '.join(missing)}",
                               rule="FAM-ONB-04")
        mains = await reading.live(session, caller, customer.id, provider)
        kind, main, tariff_ref, start, months = data.kind, None, data.tariff, data.start, data.months
        if kind not in KINDS:
            raise InvalidField("kind", f"{kind!r} is an order at a cabinet, not at {PROFILES[provider].title}")
        if kind == "renewal":  # FAM-SUB-08: a new main subscription made the standard way; by default a copy
            previous = await reading.owned(session, caller, data.renews_id) if data.renews_id else (mains[-1] if mains else None)
            if previous is None or previous.kind != "main" or (previous.customer_id, previous.provider) != (customer.id, provider):
                raise InvalidField("renews_id", f"the customer has no main subscription at {provider} to renew")
            tariff_ref, kind = data.tariff or previous.tariff_code or previous.tariff, "main"
            start = start or max(previous.end + timedelta(days=1), today)  # the day after it, or today once it ended
            months = months or previous.months_charged or None  # a tariff of fixed days (FR-SUB-19) has no months
        elif kind in ATTACHED:
            if data.main_id is None:
                raise InvalidField("main_id", f"{kind} attaches to a main subscription")
            main = await reading.owned(session, caller, data.main_id)
            if main.kind != "main" or main.status not in LIVE:
                raise InvalidField("main_id", "not a live main subscription")
        tariff_ref = tariff_ref or catalog.default_tariffs.get(pricing_kind(kind, 0))
        tariff = catalog.tariff(tariff_ref or "")
        if tariff is None:
            raise InvalidField("tariff", f"{provider} has no tariff {tariff_ref!r}")
        if kind == "main" and tariff.its_level:  # who may take it, then when it starts (FR-SUB-17, FK-SUB-17)
            order_rules.its(customer, tariff)
            start = order_rules.its_start(customer, tariff, start)
            months = months or (tariff.max_months if tariff.its_starts_with_contract else None)  # "end set automatically"
        start = start or today
        if kind == "main" and tariff.kind == "partner":  # FR-SUB-21, FK-SUB-21, MED-ONB-10
            if data.quantity != 1:
                raise InvalidField("quantity", f"{tariff.label!r} is one subscription of the partner's own",
                                   rule=tariff.term_rule)
            asked = data.months if data.kind == "renewal" else months  # a renewal takes the term allowed now
            months = await self._own_term(session, caller, customer, provider, tariff, start, asked, mains)
        priced_as, line = kind, []
        if kind == "main":
            if start < today and tariff.backdate_rule is None:  # add-ons and upgrades: the engine (FAM-SUB-05/09)
                raise InvalidField("start", f"{start.isoformat()} is before the day of ordering ({today.isoformat()}): a "
                                   "subscription starts that day or later", rule="FAM-SUB-02")
            line = [m for m in mains if (t := catalog.tariff(m.tariff_code or m.tariff)) is None or t.same_line(tariff)]
            priced_as = pricing_kind(kind, len(line))
            order_rules.no_downgrade(line, tariff, start, today, catalog)
            order_rules.after(mains, tariff, start)
        if main is not None and kind == "upgrade" and tariff.upgrade_from not in (None, main.tariff, main.tariff_code):
            raise InvalidField("tariff", f"{tariff.label!r} upgrades {tariff.upgrade_from!r}, not {main.tariff!r}",
                               rule="FAM-SUB-09")
        request = price_request(provider, priced_as, tariff.code or tariff.name, months, start, today, data.quantity,
                                customer.new_to_1c, main)
        price = self.pricing.price(request, standing)
        due = price.customer_monthly if price.customer_monthly is not None else price.retail_price
        customer_price = data.customer_price if data.customer_price is not None else due
        if customer_price < due:
            raise InvalidField("customer_price", f"below the recommended retail price {due}: dumping", rule="FAM-SUB-03")
        if data.customer_price_includes_vat and catalog.vat_exempt:
            raise InvalidField("customer_price_includes_vat", "the applications are VAT-exempt; a price 'including VAT' "
                               "on top of retail is dumping", rule="FR-SUB-04")
        if tariff.its_level:
            order_rules.its(customer, tariff, price.end)
        if tariff.gate and not await gate_passed(session, customer.id, provider, tariff.gate):
            raise InvalidField("tariff", "the ЕГИСЗ support has not approved the connection yet; invoice after it",
                               rule=tariff.gate_rule)
        if price.start < today and price.end < today:
            raise InvalidField("start", f"the period {price.start.isoformat()}–{price.end.isoformat()} is over before "
                               "the day of ordering", rule=tariff.backdate_rule)
        order_rules.paid(data, customer_price, today)
        end, rules = price.end, set(price.rules) | {"FAM-SUB-01", "FAM-SUB-03"}
        if kind == "main" and mains and mains[-1].extension == "promised_payment" and start > mains[-1].end:
            end -= timedelta(days=PROMISED_PAYMENT_DAYS)  # FAM-SUB-07: the promised week is paid back
            rules.add("FAM-SUB-07")
        warnings = list(price.warnings) + order_rules.overlaps(line, tariff, price.start, end, catalog)
        payment = data.payment
        return Subscription(
            partner_id=caller.partner_id, customer_id=customer.id, provider=provider, kind=kind, pricing_kind=priced_as,
            tariff=tariff.name, tariff_code=tariff.code, quantity=data.quantity, start=price.start, end=end,
            months_charged=price.months_charged, currency=price.currency, retail=price.retail_price,
            discount_percent=price.discount_percent, partner_cost=price.partner_cost,
            partner_monthly=price.partner_monthly, customer_price=customer_price, invoice_due=price.invoice_due,
            paid_amount=payment.amount if payment else None, paid_on=payment.paid_on if payment else None,
            payment_document=payment.document if payment else None, main_id=main.id if main else None,
            rules=sorted(rules), status="requested", created_at=now, updated_at=now), warnings
