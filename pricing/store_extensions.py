"""1С:Магазин расширений (FR-DISC-06): an extension connected to a customer's 1С:Фреш subscription. The customer
pays the servicing partner the extension's retail price «в одно окно» with the subscription; the partner keeps
its share (20%) and pays the provider the rest, the developer's 50% among it. Priced here once, for the quote,
the hub's record and the sandbox's statement; the percentages are data of the catalog (``extension_store``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .catalog import Catalog
from .errors import RequestInvalid
from .periods import period_end


MAX_MONTHLY = Decimal("10000000")  # a month's retail of one extension, far above any store price


@dataclass(frozen=True, slots=True)
class ExtensionPrice:
    label: str
    monthly_retail: Decimal
    months: int
    start: date
    end: date
    retail: Decimal  # what the customer pays for the period
    partner_percent: int  # the partner's share of retail (FR-DISC-06)
    partner_cost: Decimal  # what the provider bills the partner: retail less the partner's share
    partner_income: Decimal
    rule: str


def label(name: str) -> str:
    return f"Расширение «{name}»"


def price_extension(catalog: Catalog, name: str, monthly_retail: Decimal, months: int, start: date,
                    field: str = "extensions", name_field: str = "extensions") -> ExtensionPrice:
    store = catalog.extension_store
    name = " ".join(name.split())
    if not name:
        raise RequestInvalid(name_field, "name the extension as the store does")
    if store is None:
        raise RequestInvalid(field, f"{catalog.title} sells no extensions of 1С:Магазин расширений")
    retail = catalog.money(monthly_retail) * months
    cost = retail.less_percent(store.partner_percent).rounded()
    retail = retail.rounded()
    if monthly_retail > MAX_MONTHLY:
        raise RequestInvalid(field, f"at most {MAX_MONTHLY} a month")
    return ExtensionPrice(label(name), monthly_retail, months, start, period_end(start, months), retail.amount,
                          store.partner_percent, cost.amount, (retail - cost).amount, store.rule)
