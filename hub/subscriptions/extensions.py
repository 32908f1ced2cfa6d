"""The free 7-day self-extension (FAM-SUB-06) and, for an ended subscription, the promised payment
(FAM-SUB-07), which the next paid subscription pays back with 7 days (service_manager.py)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from hub.core import audit, outbox
from hub.core.caller import Caller
from hub.core.db.models import Operation
from hub.core.exceptions import Conflict, InvalidField
from hub.subscriptions import reading
from hub.subscriptions.schemas import SubscriptionOut


async def extend(session: AsyncSession, caller: Caller, subscription_id: str) -> SubscriptionOut:
    """Ask the provider for the extension: once — a second request, however close behind, is a 409."""
    row = await reading.owned(session, caller, subscription_id, for_update=True)
    if PROFILES[row.provider].self_extension is None:
        raise InvalidField("subscription", f"{PROFILES[row.provider].title} offers no self-service extension",
                           rule="FAM-SUB-06")
    if row.kind != "main" or row.status != "active" or row.provider_number is None:
        raise InvalidField("subscription", "only an active main subscription at the provider can be extended")
    pending = await session.scalar(select(func.count()).select_from(Operation).where(
        Operation.kind == "prolong", Operation.customer_id == row.customer_id,
        Operation.status.in_((outbox.PENDING, outbox.RUNNING, outbox.SUCCEEDED)),
        Operation.payload["subscription_id"].as_string() == row.id))
    if row.extension is not None or pending:
        raise Conflict("the self-extension was already used: it is free once per subscription",
                       field="subscription", rule="FAM-SUB-06")
    outbox.enqueue(session, partner_id=caller.partner_id, provider=row.provider, kind="prolong",
                   payload={"subscription_id": row.id}, customer_id=row.customer_id)
    audit.record(session, caller, "subscription", row.id, "extension_requested")
    return reading.out(row)
