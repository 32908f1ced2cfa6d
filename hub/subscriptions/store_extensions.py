"""Extensions of 1С:Магазин расширений (FR-DISC-06), recorded on the customer's subscription. The customer
connects one in the store itself («клиент самостоятельно выбирает расширение»), so the hub sends nothing: the
operator records it, the hub prices the partner's share (pricing/store_extensions.py) and from then on expects
the provider's bill for it in the monthly reconciliation, as any subscription the provider confirmed
(``provider_number``: its number in the Service Manager)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing.periods import whole_months
from pricing.engines.fresh_price import invoice_due
from pricing.store_extensions import price_extension

from hub.core import audit
from hub.core.caller import Caller
from hub.core.db.models import Subscription
from hub.core.event_subjects import emit_for
from hub.core.exceptions import Conflict, InvalidField
from hub.quotes.service import PricingService
from hub.subscriptions import reading
from hub.subscriptions.schemas import LIVE, StoreExtensionCreate, SubscriptionOut

KIND = "store_extension"
MAX_MONTHS = 36  # as StoreExtensionCreate.months


async def record(session: AsyncSession, caller: Caller, pricing: PricingService, main_id: str,
                 data: StoreExtensionCreate, today: date, now: datetime) -> SubscriptionOut:
    main = await reading.owned(session, caller, main_id, for_update=True)
    catalog = pricing.catalogs[main.provider]
    store = catalog.extension_store
    if store is None:
        raise InvalidField("subscription", f"{catalog.title} sells no extensions of 1С:Магазин расширений",
                           rule="FR-DISC-06")
    if main.kind != "main" or main.status not in LIVE:
        raise InvalidField("subscription", "an extension connects to a live main subscription", rule=store.rule)
    start = data.start or max(today, main.start)
    if not main.start <= start <= main.end:
        raise InvalidField("start", f"{start.isoformat()} is outside the subscription's "
                           f"{main.start.isoformat()}–{main.end.isoformat()}", rule=store.rule)
    within = whole_months(start, main.end, MAX_MONTHS)  # it runs with the subscription, not past it
    if within == 0:
        raise InvalidField("start", f"less than a month is left of the subscription (it ends {main.end.isoformat()})",
                           rule=store.rule)
    months = data.months or within
    if months > within:
        raise InvalidField("months", f"at most {within}: the extension runs with the subscription, which ends "
                           f"{main.end.isoformat()}", rule=store.rule)
    if data.provider_number is not None:
        taken = await session.scalar(select(Subscription.id).where(
            Subscription.partner_id == caller.partner_id, Subscription.provider == main.provider,
            Subscription.provider_number == str(data.provider_number)).limit(1))
        if taken is not None:
            raise Conflict(f"the provider's subscription {data.provider_number} is already recorded ({taken})",
                           field="provider_number")
    price = price_extension(catalog, data.name, data.monthly_retail, months, start, field="monthly_retail",
                            name_field="name")
    customer_price = data.customer_price if data.customer_price is not None else price.retail
    if customer_price < price.retail:
        raise InvalidField("customer_price", f"below the store's retail price {price.retail}: dumping",
                           rule="FAM-SUB-03")
    stamp = now.astimezone(timezone.utc)
    row = Subscription(
        partner_id=caller.partner_id, customer_id=main.customer_id, provider=main.provider, kind=KIND,
        tariff=price.label, quantity=1, start=price.start, end=price.end, months_charged=months,
        currency=str(catalog.currency), retail=price.retail, discount_percent=price.partner_percent,
        partner_cost=price.partner_cost, customer_price=customer_price,
        invoice_due=invoice_due(catalog.invoice_regular, today, price.start), main_id=main.id,
        rules=[store.rule], status="active", provider_number=str(data.provider_number) if data.provider_number else None,
        created_at=stamp, updated_at=stamp)
    session.add(row)
    await session.flush()
    view = reading.out(row)
    audit.record(session, caller, "subscription", row.id, "create", after=view)
    emit_for(session, caller.partner_id, "store_extension_recorded", customer_id=row.customer_id,
             subscription_id=row.id, provider=row.provider, tariff=row.tariff, retail=row.retail,
             partner_cost=row.partner_cost)
    return view
