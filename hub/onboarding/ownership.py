"""Never adopt another partner's object found at a provider.

Partners who share one provider account (the hub's default) see each other's objects there: what
another partner's enrollment, customer card or subscription on that same account already holds is
never adopted by look-before-create (issue 9).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from adapters import Adapters, Rejected
from hub.core.db import Customer, Database, Enrollment, Operation, Subscription
from hub.partners import credentials
from providers import PROFILES


class Ownership:
    def __init__(self, db: Database, adapters: Adapters) -> None:
        self.db, self.adapters = db, adapters

    async def not_anothers(self, operation: Operation, adapter: Any, column: Any, value: str, what: str) -> None:
        """Refuse ``value`` (a reference or an account) that another partner on the same account holds."""
        async with self.db.reads() as session:
            holders = set(await session.scalars(select(Enrollment.partner_id).where(
                Enrollment.provider == operation.provider, column == value,
                Enrollment.partner_id != operation.partner_id, Enrollment.state != "cancelled")))
            if column is Enrollment.account:  # also a number another partner typed into a card, or ordered on
                field = PROFILES[operation.provider].account_field
                cards = await session.execute(select(Customer.partner_id, Customer.accounts).where(
                    Customer.partner_id != operation.partner_id))
                holders |= {partner for partner, accounts in cards if str((accounts or {}).get(field) or "") == value}
            stored = await credentials.accounts_at(session, operation.provider, holders)
        self._refuse_shared(operation, adapter, holders, stored, f"the {what} {value} found at the provider is another "
                            "partner's customer's; it is not adopted")

    async def not_anothers_subscription(self, operation: Operation, adapter: Any, number: str) -> None:
        async with self.db.reads() as session:
            holders = set(await session.scalars(select(Subscription.partner_id).where(
                Subscription.provider == operation.provider, Subscription.provider_number == number,
                Subscription.partner_id != operation.partner_id)))
            stored = await credentials.accounts_at(session, operation.provider, holders)
        self._refuse_shared(operation, adapter, holders, stored,
                            f"the subscription {number} found at the provider is another partner's; it is not adopted")

    def _refuse_shared(self, operation: Operation, adapter: Any, holders: set[str], stored: dict[str, str],
                       message: str) -> None:
        default = self.adapters.providers[operation.provider].identity
        if any(stored.get(holder, default) == adapter.identity for holder in holders):
            raise Rejected(f"{operation.provider}: {message}", provider=operation.provider, code="owner_conflict")
