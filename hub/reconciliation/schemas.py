"""Reconciliations as the API shows them."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import msgspec

from pricing.fields import Comment, line
from providers import ProviderName

from hub.core.paging import Page
from hub.core.schemas import Input

CATEGORIES = ("matched", "amount_mismatch", "missing_in_statement", "unexpected_in_statement", "duplicate",
              "fee_rate_mismatch", "not_attributed", "month_not_paid")  # what a line of a run can be


class ReconciliationCreate(Input):
    """Without a file the hub fetches the document from the provider (multipart: the same fields and ``file``)."""

    provider: ProviderName
    period: line(40)  # "2026-12" (Fresh family) or "2026-Q4" (Rarus); its form is checked with the provider


class ReconciliationOut(msgspec.Struct):
    id: str
    provider: str
    period: str
    source: str  # fetched | uploaded
    filename: str | None
    currency: str
    summary: dict[str, Any]  # category → {count, expected, billed}
    totals: dict[str, Any]  # expected, billed, difference, dispute
    notes: list[str]
    payout: dict[str, Any] | None
    created_at: datetime


class LineOut(msgspec.Struct):
    number: int
    line: int | None  # in the provider's file
    category: str
    reason: str
    rule: str | None
    subscription: str | None  # the hub's subscription id
    reference: str | None  # the provider's subscription number, or the Rarus login
    month: str | None
    expected: Decimal | None
    billed: Decimal | None
    expected_retail: Decimal | None  # Rarus: what the client paid by the hub's price
    billed_retail: Decimal | None
    expected_discount: str | None  # Fresh: the discount %; Rarus: the fee rate %
    billed_discount: str | None
    resolution: str | None
    resolution_comment: str | None
    resolved_at: datetime | None


class LinePage(Page[LineOut]):
    items: list[LineOut]  # restated for OpenAPI (see Page)


class Resolution(Input):
    resolution: Literal["disputed", "accepted"]
    comment: Comment | None = None
