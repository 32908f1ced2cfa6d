"""Subscriptions: requests, previews and what the hub shows."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from pricing import SeatGroup
from pricing.fields import Amount, Code, Comment, Id, line
from providers import ProviderName

from hub.core.paging import Page
from hub.core.schemas import Input

Kind = Literal["main", "renewal", "upgrade", "addon_sessions", "addon_bases", "conversion", "change"]
LIVE = ("requested", "awaiting_payment", "active")  # a subscription that counts: ordered, invoiced or running
STATUSES = (*LIVE, "failed")  # what GET /api/v1/subscriptions?status= filters on


class Payment(Input):
    """The customer's payment for the subscription (FAM-SUB-01: the whole period, up front)."""

    amount: Amount
    paid_on: date
    document: line(200) | None = None


class SubscriptionCreate(Input):
    customer_id: Id
    provider: ProviderName
    kind: Kind = "main"
    tariff: line(200) | None = None
    months: Annotated[int, Meta(ge=1, le=36)] | None = None
    start: date | None = None
    quantity: Annotated[int, Meta(ge=1, le=1000)] = 1
    main_id: Id | None = None  # the hub's main subscription, for add-ons and upgrades
    renews_id: Id | None = None  # the subscription a renewal copies (default: the latest main)
    customer_price: Amount | None = None  # what the customer pays; default: retail
    customer_price_includes_vat: bool = False  # FR-SUB-04: refused where the applications are VAT-exempt
    payment: Payment | None = None
    seat_plan: Annotated[list[SeatGroup], Meta(max_length=100)] | None = None  # Rarus
    options: Annotated[list[Code], Meta(max_length=20)] = []
    dry_run: bool = False


class StoreExtensionCreate(Input):
    """An extension of 1С:Магазин расширений the customer connected to this subscription (FR-DISC-06)."""

    name: line(300, min_length=1)
    monthly_retail: Amount  # the store's retail price a month
    months: Annotated[int, Meta(ge=1, le=36)] | None = None  # default: the whole months left of the subscription
    start: date | None = None  # default: today
    provider_number: Annotated[int, Meta(ge=1, le=999_999_999_999)] | None = None  # its subscription in the Service Manager
    customer_price: Amount | None = None  # default: retail


class Discrepancy(msgspec.Struct):
    """A figure the provider confirmed otherwise than the hub expected (money as text, dates ISO).

    ``field`` names the subscription's own field (``retail`` is a Rarus invoice's total, ``customer_price``
    its monthly price); ``cause`` is the likely reason, derived from the data; ``step`` the provider call
    (create_subscription, correct, rarus_convert, rarus_change, poll_payment) that reported it."""

    field: str
    expected: str | int | None
    provider: str | int | None
    cause: str
    found_at: datetime
    step: str | None = None


class SubscriptionOut(msgspec.Struct):
    id: str
    customer_id: str
    provider: str
    kind: str
    pricing_kind: str | None
    tariff: str
    tariff_code: str | None
    quantity: int
    start: date
    end: date
    months_charged: int
    currency: str
    retail: Decimal
    discount_percent: int | None
    partner_cost: Decimal
    partner_monthly: Decimal | None
    customer_price: Decimal
    invoice_due: date | None
    main_id: str | None
    status: str
    provider_number: str | None
    provider_data: dict[str, Any] | None
    rules: list[str]
    failure: str | None
    created_at: datetime
    extension: str | None = None  # self_extension (FAM-SUB-06) | promised_payment (FAM-SUB-07)
    extended_until: date | None = None
    dry_run: bool = False
    options: list[str] = []  # Rarus options, sent to the provider with the order
    discrepancies: list[Discrepancy] = []  # where the provider's figures differ from the hub's: recorded, not hidden
    warnings: list[str] = []  # what the order should know (a main over a live main, sample prices); said once, not stored


class SubscriptionPage(Page[SubscriptionOut]):
    items: list[SubscriptionOut]  # restated for OpenAPI (see Page)


class SubscriptionCorrection(Input):
    """Correct a subscription's period, or cancel it (FR-SUB-12, FK-SUB-12); never because the customer
    did not pay (FAM-SUB-13)."""

    reason: Literal["entry_error", "customer_request", "customer_not_paid", "other"]
    comment: Comment | None = None
    start: date | None = None
    months: Annotated[int, Meta(ge=1, le=36)] | None = None
    cancel: bool = False
