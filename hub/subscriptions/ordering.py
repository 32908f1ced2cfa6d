"""Ordering a paid subscription: the path every provider shares, and the table that chooses the rest by the
partner interface its profile speaks (``PROFILES[provider].interface``), never by its name.

An order locks its customer, so a customer's orders are checked one at a time (RA-BILL-02, the renewal tiers);
the interface's orders check and price it (service_manager.py, cabinet.py); a preview (``dry_run``) stops
there; otherwise the row is stored, its worker step queued in the outbox, audited and evented.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from pricing import PartnerStanding
from providers import PROFILES

from hub.core import audit, outbox
from hub.core.caller import Caller
from hub.core.clock import Clock
from hub.core.db.models import Customer, Subscription
from hub.core.event_subjects import emit_for
from hub.core.exceptions import InvalidField
from hub.core.tenancy import owned_row
from hub.partners.service import standing_of
from hub.quotes.service import PricingService
from hub.subscriptions.cabinet import CabinetOrders
from hub.subscriptions.reading import out
from hub.subscriptions.schemas import SubscriptionCreate, SubscriptionOut
from hub.subscriptions.service_manager import ServiceManagerOrders


class Orders(Protocol):
    """How one partner interface takes an order."""

    kinds: tuple[str, ...]

    async def build(self, session: AsyncSession, caller: Caller, customer: Customer, data: SubscriptionCreate,
                    standing: PartnerStanding, today: date, now: datetime) -> tuple[Subscription, list[str]]:
        """The checked, priced row (not stored) and what the answer should say."""

    def step(self, row: Subscription) -> str:
        """The worker step that sends ``row`` to the provider."""


ORDERS_BY_INTERFACE: dict[str, type[ServiceManagerOrders] | type[CabinetOrders]] = {
    "service_manager": ServiceManagerOrders,  # the Fresh family's ext_api: the partner pays, the hub prices
    "rarus_cabinet": CabinetOrders,  # the customer pays the provider: conversions and changes
}


class Ordering:
    def __init__(self, pricing: PricingService, clock: Clock) -> None:
        self.clock = clock
        self.by_interface: dict[str, Orders] = {name: kind(pricing) for name, kind in ORDERS_BY_INTERFACE.items()}

    async def create(self, session: AsyncSession, caller: Caller, data: SubscriptionCreate) -> SubscriptionOut:
        # an order locks its customer: parallel orders are checked against each other's rows
        customer = await owned_row(session, Customer, caller, data.customer_id, "customer", for_update=not data.dry_run)
        profile = PROFILES[data.provider]
        account = (customer.accounts or {}).get(profile.account_field)
        if account is None:
            raise InvalidField("customer_id", f"the customer has no {profile.title} account yet: enroll it first",
                               rule=profile.access_rule)
        standing = caller.standing or await standing_of(session, caller.partner_id)
        orders = self.by_interface[profile.interface]
        now = self.clock.now()
        row, warnings = await orders.build(session, caller, customer, data, standing, self.clock.today(),
                                           now.astimezone(timezone.utc))
        if data.dry_run:
            return out(row, dry_run=True, warnings=warnings)  # warnings are said in the answer, not stored
        session.add(row)
        await session.flush()
        outbox.enqueue(session, partner_id=caller.partner_id, provider=row.provider, kind=orders.step(row),
                       payload={"subscription_id": row.id, "account": str(account)}, customer_id=row.customer_id)
        view = out(row, warnings=warnings)
        audit.record(session, caller, "subscription", row.id, "create", after=view)
        emit_for(session, caller.partner_id, "subscription_ordered", customer_id=row.customer_id,
                 subscription_id=row.id, provider=row.provider, subscription_kind=row.kind, tariff=row.tariff,
                 start=row.start.isoformat(), end=row.end.isoformat(), retail=row.retail,
                 partner_cost=row.partner_cost)
        return view
