"""Customers leaving (FAM-SUB-15): churn needs a reason and a comment; a move between local ITS
and the cloud is a transition, recorded but not counted as churn. The churn rate is per month and
provider: churned customers over the customers with a live subscription when the month began.

A departure locks its customer and is recorded once: the same departure again (provider, kind, day),
however close behind, is a 409 — it would count the customer twice."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import PROVIDERS, add_months
from pricing.fields import Comment
from providers import ProviderName

from hub.core.caller import Caller
from hub.core.db.models import Customer, Departure, Subscription
from hub.core.exceptions import Conflict, InvalidField
from hub.core import audit
from hub.core.schemas import Input
from hub.core.tenancy import owned_row
from hub.reports.periods import first_of
from hub.subscriptions import LIVE

Reason = Literal["price", "quality", "moved_to_competitor", "business_closed", "moved_to_local", "other"]


class DepartureCreate(Input):
    provider: ProviderName
    left_on: date
    reason: Reason | None = None
    comment: Comment | None = None
    transition: Literal["to_local_its", "from_local_its"] | None = None


class DepartureOut(msgspec.Struct):
    id: str
    customer_id: str
    provider: str
    kind: str
    reason: str | None
    comment: str | None
    direction: str | None
    left_on: date


class ChurnLine(msgspec.Struct):
    provider: str
    month: str
    customers_at_start: int
    churned: int
    transitions: int
    churn_rate: Decimal | None  # churned / customers_at_start; null when there were none at the start


def _out(row: Departure) -> DepartureOut:
    return DepartureOut(row.id, row.customer_id, row.provider, row.kind, row.reason, row.comment, row.direction, row.left_on)


async def record(session: AsyncSession, caller: Caller, customer_id: str, data: DepartureCreate) -> DepartureOut:
    customer = await owned_row(session, Customer, caller, customer_id, "customer", for_update=True)
    if data.transition is None:
        if data.reason is None:
            raise InvalidField("reason", "a customer leaving needs a churn reason", rule="FAM-SUB-15")
        if not (data.comment or "").strip():
            raise InvalidField("comment", "say in a few words why the customer left", rule="FAM-SUB-15")
    kind = "transition" if data.transition else "churn"
    recorded = await session.scalar(select(Departure.id).where(
        Departure.partner_id == caller.partner_id, Departure.customer_id == customer.id,
        Departure.provider == data.provider, Departure.kind == kind, Departure.left_on == data.left_on).limit(1))
    if recorded is not None:
        raise Conflict(f"this departure is already recorded ({recorded})", field="left_on", rule="FAM-SUB-15")
    row = Departure(partner_id=caller.partner_id, customer_id=customer.id, provider=data.provider,
                    kind=kind, reason=data.reason, comment=data.comment,
                    direction=data.transition, left_on=data.left_on)
    session.add(row)
    await session.flush()
    view = _out(row)
    audit.record(session, caller, "departure", row.id, "create", after=view)
    return view


async def rate(session: AsyncSession, caller: Caller, month: str) -> list[ChurnLine]:
    first = first_of(month)
    after = add_months(first, 1)
    lines = []
    for provider in PROVIDERS:
        base = await session.scalar(select(func.count(func.distinct(Subscription.customer_id))).where(
            Subscription.partner_id == caller.partner_id, Subscription.provider == provider,
            Subscription.status.in_(LIVE), Subscription.start < first, Subscription.end >= first)) or 0
        counts = dict((await session.execute(select(Departure.kind, func.count()).where(
            Departure.partner_id == caller.partner_id, Departure.provider == provider,
            Departure.left_on >= first, Departure.left_on < after).group_by(Departure.kind))).all())
        churned = counts.get("churn", 0)
        # no customers when the month began: the rate is undefined (null), not zero
        share = (Decimal(churned) / base).quantize(Decimal("0.0001"), ROUND_HALF_UP) if base else None
        lines.append(ChurnLine(provider, month, base, churned, counts.get("transition", 0), share))
    return lines
