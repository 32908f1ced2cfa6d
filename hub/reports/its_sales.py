"""ITS «Сумма продаж на одного клиента» (FR-PRICE-03): what the partner's 1С:Фреш sales add, per customer and
month, to the figure 1C weighs in the partner's ITS standing. Tariffs ПРОФ and above (and the upgrades into them)
count in full — the customer's price spread evenly over the months it pays for; the promo tariffs «Акция. Базовый
12/15» count a fixed 960 ₽ a month from 14.09.2023; anything else counts nothing and says so. Which tariff counts
how is data in the price list (``its_sales``, ``its_sales_monthly``, ``its_sales_since``)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import add_months
from pricing.catalog import Catalog
from pricing.money import round_minor

from hub.core.caller import Caller
from hub.core.db.models import Customer, Subscription
from hub.reports.periods import first_of
from hub.subscriptions import LIVE

RULE = "FR-PRICE-03"


class ItsSalesLine(msgspec.Struct):
    provider: str
    subscription: str
    tariff: str
    start: date
    end: date
    counted: Decimal  # what this subscription adds to the month's figure, RUB
    basis: str  # "full" (the month's share of the customer price), "promo" (a fixed sum) or "not_counted"
    reason: str


class ItsSalesCustomer(msgspec.Struct):
    customer_id: str
    legal_name: str
    inn: str | None
    amount: Decimal  # the customer's figure for the month, RUB
    lines: list[ItsSalesLine]


class ItsSalesReport(msgspec.Struct):
    month: str
    currency: str
    rule: str
    total: Decimal
    customers: list[ItsSalesCustomer]


def _counted(row: Subscription, catalog: Catalog, after: date) -> tuple[Decimal, str, str]:
    tariff = catalog.tariff(row.tariff_code or row.tariff) or catalog.tariff(row.tariff)
    if tariff is not None and tariff.its_sales == "full":
        share = round_minor(row.customer_price / max(row.months_charged, 1))
        return share, "full", (f"ПРОФ and above count in full: {row.customer_price} over "
                                    f"{max(row.months_charged, 1)} months ({RULE})")
    if tariff is not None and tariff.its_sales_monthly is not None:
        if tariff.its_sales_since is not None and after <= tariff.its_sales_since:
            return Decimal("0.00"), "not_counted", f"the promotion counts from {tariff.its_sales_since.isoformat()} ({RULE})"
        amount = round_minor(tariff.its_sales_monthly.amount)
        return amount, "promo", f"a promo tariff: {amount} a month ({RULE})"
    return Decimal("0.00"), "not_counted", f"the tariff does not count toward the ITS figure ({RULE})"


async def report(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog], month: str) -> ItsSalesReport:
    """Over the price lists some of whose tariffs count (``Catalog.counts_its_sales``: 1С:Фреш Russia)."""
    first = first_of(month)
    after = add_months(first, 1)
    counting = {name: catalog for name, catalog in catalogs.items() if catalog.counts_its_sales}
    rows = (await session.execute(
        select(Subscription, Customer).join(Customer, Customer.id == Subscription.customer_id).where(
            Subscription.partner_id == caller.partner_id, Subscription.provider.in_(counting),
            Subscription.status.in_(LIVE), Subscription.start < after, Subscription.end >= first)
        .order_by(Customer.legal_name, Customer.id, Subscription.start, Subscription.id))).all()
    customers: dict[str, ItsSalesCustomer] = {}
    for row, customer in rows:
        paid_from = row.start.replace(day=1)  # the months paid for: from the start's month, months_charged of them
        if not paid_from <= first < add_months(paid_from, max(row.months_charged, 1)):
            continue
        counted, basis, reason = _counted(row, counting[row.provider], after)
        entry = customers.get(customer.id)
        if entry is None:
            entry = customers[customer.id] = ItsSalesCustomer(customer.id, customer.legal_name, customer.inn,
                                                              Decimal("0.00"), [])
        entry.lines.append(ItsSalesLine(row.provider, row.id, row.tariff if not row.tariff_code else f"{row.tariff_code} {row.tariff}",
                                        row.start, row.end, counted, basis, reason))
        entry.amount += counted
    listed = list(customers.values())
    currency = next((c.currency for c in counting.values()), "")
    return ItsSalesReport(month, currency, RULE, sum((c.amount for c in listed), Decimal("0.00")), listed)
