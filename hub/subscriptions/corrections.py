"""Corrections and cancellations of a Fresh-family main subscription (FR-SUB-12, FK-SUB-12; RULES §5).

Within the provider's self-service window the change goes through its API; later in the calendar month of
creation it is a request to the provider's mailbox; after that, refused. A помесячно subscription may be
shortened by its months not yet started (FAM-SUB-10/11). Never because the customer did not pay (FAM-SUB-13).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import MOSCOW
from pricing.subscription_rules import shortens, shortest
from providers import PROFILES

from hub.core import audit, mailbox, outbox
from hub.core.caller import Caller
from hub.core.clock import Clock
from hub.core.db.models import Operation, Subscription
from hub.core.exceptions import Conflict, InvalidField
from hub.customers.service import owned as owned_customer
from hub.subscriptions import reading
from hub.subscriptions.schemas import SubscriptionCorrection, SubscriptionOut


def moscow_month(instant: datetime) -> str:
    return instant.astimezone(MOSCOW).strftime("%Y-%m")


async def correct(session: AsyncSession, caller: Caller, clock: Clock, subscription_id: str,
                  data: SubscriptionCorrection) -> SubscriptionOut:
    """One correction at a time: while one is on its way to the provider, another is a 409."""
    row = await reading.owned(session, caller, subscription_id, for_update=True)
    profile = PROFILES[row.provider]
    if data.reason == "customer_not_paid":
        raise InvalidField("reason", "a subscription is never corrected or cancelled because the customer did not "
                           "pay (refunds are exceptional, with documents)", rule="FAM-SUB-13")
    if profile.correction_rule is None or row.kind != "main":
        raise InvalidField("subscription", "only a Fresh-family main subscription is corrected this way")
    if row.provider_number is None:
        raise InvalidField("subscription", "the subscription is not at the provider yet")
    if not data.cancel and data.start is None and data.months is None:
        raise InvalidField("months", "say what to correct (start, months) or cancel")
    if await in_flight(session, row):
        raise Conflict("a correction of this subscription is already on its way to the provider; wait for it",
                       field="subscription", rule=profile.correction_rule)
    now = clock.now()
    changes = {"start": data.start.isoformat() if data.start else None, "months": data.months, "cancel": data.cancel}
    shortening = shortens(row.partner_monthly is not None, row.months_charged, data.months,
                          other_changes=data.start is not None or data.cancel)
    if shortening:
        used = shortest(row.start, clock.today())
        if data.months < used:  # type: ignore[operator]
            raise InvalidField("months", f"{used} month(s) have started and are billed in full", rule="FAM-SUB-11")
    if shortening or (not data.cancel and now - row.created_at <= timedelta(minutes=profile.self_correction_minutes)):
        outbox.enqueue(session, partner_id=caller.partner_id, provider=row.provider, kind="correct",
                       payload={"subscription_id": row.id, **changes}, customer_id=row.customer_id)
        route = "api"
    elif moscow_month(now) == moscow_month(row.created_at):
        customer = await owned_customer(session, caller, row.customer_id)
        what = "Отмена" if data.cancel else "Корректировка"
        await mailbox.ask_provider(
            session, caller, row.provider, about="subscription", about_id=row.id,
            subscriber=(customer.accounts or {}).get(profile.account_field),
            subject=f"{what} подписки №{row.provider_number} ({profile.correction_rule})",
            lines=[f"Номер подписки: {row.provider_number}", f"Тариф: {row.tariff}",
                   f"{what}: {msgspec.json.encode(changes).decode()}", f"Причина: {data.reason}. {data.comment or ''}"],
            label=f"correction-{row.id}-{int(now.timestamp())}", customer_id=row.customer_id)
        route = "mail"
    else:
        raise InvalidField("subscription", f"corrections are accepted only within the calendar month of creation "
                           f"({moscow_month(row.created_at)})", rule=profile.correction_rule)
    row.provider_data = {**(row.provider_data or {}), "correction": {**changes, "route": route, "reason": data.reason,
                                                                      "requested_at": now.isoformat()}}
    audit.record(session, caller, "subscription", row.id, f"correction_{route}", after=changes)
    return reading.out(row)


async def in_flight(session: AsyncSession, row: Subscription) -> bool:
    """A `correct` call or a correction e-mail about ``row`` still queued or running."""
    waiting = await session.scalar(select(func.count()).select_from(Operation).where(
        Operation.partner_id == row.partner_id, Operation.customer_id == row.customer_id,
        Operation.status.in_((outbox.PENDING, outbox.RUNNING)),
        or_(Operation.kind == "correct",
            (Operation.kind == mailbox.MAIL) & (Operation.payload["about"].as_string() == "subscription")),
        Operation.payload["subscription_id"].as_string() == row.id))
    return bool(waiting)
