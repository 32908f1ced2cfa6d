"""Reading subscriptions: one as the hub shows it, a filtered page, and a customer's live ones that an order
is checked against."""
from __future__ import annotations

from datetime import date

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.caller import Caller
from hub.core.db.models import Subscription
from hub.core.exceptions import InvalidField
from hub.core.paging import matching, page
from hub.core.tenancy import owned_row
from hub.subscriptions.schemas import LIVE, STATUSES, Discrepancy, SubscriptionOut, SubscriptionPage


def out(row: Subscription, dry_run: bool = False, warnings: list[str] | None = None) -> SubscriptionOut:
    return SubscriptionOut(
        row.id, row.customer_id, row.provider, row.kind, row.pricing_kind, row.tariff, row.tariff_code, row.quantity,
        row.start, row.end, row.months_charged, row.currency, row.retail, row.discount_percent, row.partner_cost,
        row.partner_monthly, row.customer_price, row.invoice_due, row.main_id, row.status, row.provider_number,
        row.provider_data, list(row.rules or []), row.failure, row.created_at, row.extension,
        row.extended_until, dry_run, options=list(row.options or []),
        discrepancies=msgspec.convert(row.discrepancies or [], list[Discrepancy]), warnings=list(warnings or []))


async def owned(session: AsyncSession, caller: Caller, subscription_id: str, *, for_update: bool = False) -> Subscription:
    return await owned_row(session, Subscription, caller, subscription_id, "subscription", for_update=for_update)


async def live(session: AsyncSession, caller: Caller, customer_id: str, provider: str,
               kinds: tuple[str, ...] = ("main",)) -> list[Subscription]:
    """The customer's live subscriptions of ``kinds`` at ``provider``, in the order they run."""
    return list(await session.scalars(select(Subscription).where(
        Subscription.partner_id == caller.partner_id, Subscription.customer_id == customer_id,
        Subscription.provider == provider, Subscription.kind.in_(kinds), Subscription.status.in_(LIVE))
        .order_by(Subscription.start, Subscription.created_at)))


async def read(session: AsyncSession, caller: Caller, subscription_id: str) -> SubscriptionOut:
    return out(await owned(session, caller, subscription_id))


async def search(session: AsyncSession, caller: Caller, *, customer_id: str | None, provider: str | None,
                 kind: str | None, ending_from: date | None, ending_to: date | None, limit: int,
                 offset: int, status: str | None = None) -> SubscriptionPage:
    if status is not None and status not in STATUSES:
        raise InvalidField("status", f"one of {', '.join(STATUSES)}")
    where = [Subscription.partner_id == caller.partner_id]
    where += matching((Subscription.customer_id, customer_id), (Subscription.provider, provider),
                      (Subscription.kind, kind), (Subscription.status, status))
    if ending_from:
        where.append(Subscription.end >= ending_from)
    if ending_to:
        where.append(Subscription.end <= ending_to)
    items, total = await page(session, Subscription, where, (Subscription.created_at, Subscription.id), limit, offset, out)
    return SubscriptionPage(items, total, limit, offset)
