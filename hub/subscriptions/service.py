"""Paid subscriptions on every provider, checked against RULES §3 before anything is sent: the feature's one
door for the controllers, the reports and the worker steps (steps.py).

The rooms behind it: ordering.py (the path every order takes, the table of partner interfaces),
service_manager.py and order_rules.py (the Fresh family), cabinet.py (Rarus), extensions.py (FAM-SUB-06/07),
store_extensions.py (1С:Магазин расширений, FR-DISC-06),
corrections.py (FR-SUB-12, FK-SUB-12), reading.py (one, a page, a customer's live ones).

Every change of a subscription locks its row first (tenancy.owned_row ``for_update``) and checks its
state after the lock, so of requests racing for one transition exactly one is accepted; the others
get a 409 naming the rule. An order locks its customer, so a customer's orders are checked one at a
time (RA-BILL-02, the renewal tiers).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.caller import Caller
from hub.quotes.service import PricingService
from hub.subscriptions import corrections, extensions, reading, store_extensions
from hub.subscriptions.cabinet import STEPS
from hub.subscriptions.ordering import Ordering
from hub.subscriptions.schemas import (StoreExtensionCreate, SubscriptionCorrection, SubscriptionCreate, SubscriptionOut,
                                       SubscriptionPage)
from hub.subscriptions.service_manager import STEP

CARD_SYNC = ("legal_name", "inn", "kpp", "bin_iin", "phone", "email", "new_to_1c")
# the steps whose failure fails the order: sending it (either interface), then polling a cabinet's invoice
ORDERING = (STEP, *STEPS.values(), "poll_payment")


class Subscriptions:
    def __init__(self, pricing: PricingService, poll_every: timedelta) -> None:
        self.pricing, self.poll_every = pricing, poll_every
        self.clock = pricing.clock  # the one clock of the composition root
        self.ordering = Ordering(pricing, self.clock)

    async def create(self, session: AsyncSession, caller: Caller, data: SubscriptionCreate) -> SubscriptionOut:
        return await self.ordering.create(session, caller, data)

    async def extend(self, session: AsyncSession, caller: Caller, subscription_id: str) -> SubscriptionOut:
        return await extensions.extend(session, caller, subscription_id)

    async def connect_store_extension(self, session: AsyncSession, caller: Caller, subscription_id: str,
                                      data: StoreExtensionCreate) -> SubscriptionOut:
        return await store_extensions.record(session, caller, self.pricing, subscription_id, data, self.clock.today(),
                                             self.clock.now())

    async def correct(self, session: AsyncSession, caller: Caller, subscription_id: str,
                      data: SubscriptionCorrection) -> SubscriptionOut:
        return await corrections.correct(session, caller, self.clock, subscription_id, data)

    async def read(self, session: AsyncSession, caller: Caller, subscription_id: str) -> SubscriptionOut:
        return await reading.read(session, caller, subscription_id)

    async def search(self, session: AsyncSession, caller: Caller, *, customer_id: str | None, provider: str | None,
                     kind: str | None, ending_from: date | None, ending_to: date | None, limit: int,
                     offset: int, status: str | None = None) -> SubscriptionPage:
        return await reading.search(session, caller, customer_id=customer_id, provider=provider, kind=kind,
                                    ending_from=ending_from, ending_to=ending_to, limit=limit, offset=offset,
                                    status=status)
