"""Transfers: a request to record one, a decision on it, and what the hub shows."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

from pricing.fields import Comment, Id, Name
from providers import ProviderName

from hub.core.schemas import Input

DECIDED = ("approved", "refused", "auto_approved")


class TransferCreate(Input):
    customer_id: Id
    provider: ProviderName
    direction: Literal["outgoing", "incoming"]
    other_partner: Name
    early: bool = False  # before the window: a request to the provider instead
    subscription_end: date | None = None  # default: the end of the customer's latest main subscription here


class TransferDecision(Input):
    approve: bool
    comment: Comment | None = None


class TransferOut(msgspec.Struct):
    id: str
    customer_id: str
    provider: str
    direction: str
    other_partner: str
    subscription_end: date
    requested_at: datetime
    answer_by: datetime | None
    early: bool
    status: str  # awaiting_decision approved refused auto_approved requested early_requested
    comment: str | None
    decided_at: datetime | None
    rule: str | None
