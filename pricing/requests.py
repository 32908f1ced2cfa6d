"""Request and response shapes shared by the API, the CLI and the engines.

Decimals travel as strings ("3890.00"); dates as ISO dates.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from .catalog import Months, Provider
from .fields import Amount, Code, line
from .standing import PartnerStanding as PartnerStanding  # re-exported: what the engines read
from .standing import StandingWhatIf

Mode = Literal["single", "alternate", "simultaneous"]
Kind = Literal["first", "first_renewal", "renewal", "upgrade", "addon_sessions", "addon_bases"]
Count = Annotated[int, Meta(ge=0, le=100_000)]


class _In(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Base of request parts: unknown fields are an error, not silently ignored."""


class SeatGroup(_In):
    """Users who work alike: in one configuration, in several alternately, or simultaneously (RA-PRICE-02)."""

    users: Annotated[int, Meta(ge=1, le=10_000)]
    configurations: Annotated[list[Code], Meta(min_length=1, max_length=20)]
    mode: Mode = "single"


class CustomerFacts(_In):
    new_to_1c: bool | None = None  # the card's "Новый клиент 1С?" (FR-ONB-02); None: not asked yet
    medical: bool = False  # a medical organisation (1С:Медицина)


class ExtensionWanted(_In):
    """An extension of 1С:Магазин расширений the customer wants beside the subscription (FR-DISC-06)."""

    name: line(300, min_length=1)
    monthly_retail: Amount  # the store's retail price a month


class QuoteRequest(_In):
    region: Literal["ru", "kz"]
    months: Months
    seat_plan: Annotated[list[SeatGroup], Meta(min_length=1, max_length=100)]
    bases: Count | None = None
    storage_gb: Count | None = None
    options: Annotated[list[Code], Meta(max_length=20)] = []
    extensions: Annotated[list[ExtensionWanted], Meta(max_length=20)] = []  # 1С:Магазин расширений (FR-DISC-06)
    customer: CustomerFacts = CustomerFacts()
    partner: StandingWhatIf | None = None  # what-if: the stored spelling, only the fields it changes (pricing.standing)
    providers: Annotated[list[Provider], Meta(max_length=4)] | None = None
    created_on: date | None = None


class Line(msgspec.Struct, frozen=True):
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    source: str


class Offer(msgspec.Struct):
    provider: Provider
    title: str
    currency: str
    eligible: bool
    reason: str | None = None
    tariff: str | None = None
    connections: int | None = None
    start: date | None = None
    end: date | None = None
    monthly_price: Decimal | None = None
    total_price: Decimal | None = None
    discount_percent: int | None = None
    partner_cost: Decimal | None = None
    partner_income: Decimal | None = None
    lines: list[Line] = []
    warnings: list[str] = []
    rules: list[str] = []
    alternatives: list[str] = []
    covers_need: bool = True  # False: it leaves out an extension the need asks for (FR-DISC-06); ranked after


class QuoteResponse(msgspec.Struct):
    created_on: date
    offers: list[Offer]


class MainPeriod(_In):
    start: date
    end: date


class SubscriptionPriceRequest(_In):
    provider: Literal["fresh_ru", "fresh_kz", "medicine"]
    kind: Kind = "first"
    tariff: line(200) | None = None  # code or name; default: the catalog's tariff for the kind
    months: Months | None = None  # default 12; add-ons and upgrades run to the main end
    start: date | None = None  # default: created_on
    created_on: date | None = None  # default: today
    main: MainPeriod | None = None  # required for upgrades and add-ons
    quantity: Annotated[int, Meta(ge=1, le=1000)] = 1  # sessions, bases or registers
    application: Code | None = None  # the application it is for (FR-DISC-02, FR-DISC-05)
    customer: CustomerFacts = CustomerFacts()
    partner: StandingWhatIf | None = None  # what-if, as in QuoteRequest


class SubscriptionPrice(msgspec.Struct):
    provider: str
    kind: str
    tariff: str
    tariff_code: str | None
    currency: str
    start: date
    end: date
    months_charged: int
    retail_price: Decimal
    customer_monthly: Decimal | None
    discount_percent: int
    partner_cost: Decimal
    partner_monthly: Decimal | None
    partner_income: Decimal
    invoice_due: date | None
    rules: list[str]
    warnings: list[str]
