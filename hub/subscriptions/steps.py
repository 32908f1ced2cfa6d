"""The worker steps of subscriptions: ordering at a Service Manager or at the Rarus cabinet, polling a
Rarus invoice until it is paid, corrections (FR-SUB-12) and extensions (FAM-SUB-06/07) — what each calls,
and how the subscription records the provider's answer against the hub's own figures (agreement.py)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters import (
    Extension,
    ProviderSubscription,
    CabinetChange,
    CabinetClient,
    CabinetInvoice,
    SubscriptionOrder,
    Transient,
)
from hub.core import outbox
from hub.core.db import Customer, Enrollment, Operation, Subscription
from hub.core.event_subjects import emit_for
from hub.core.steps import OK, WAITING, MailSent, Outcome, Step, StepContext
from hub.onboarding.ownership import Ownership
from hub.partners.service import standing_of
from hub.subscriptions import agreement
from hub.subscriptions.service import CARD_SYNC, ORDERING, Subscriptions
from pricing import Money, PricingError, period_end

POLL_PAYMENT = "poll_payment"


def _stored(result: Any) -> dict[str, Any]:
    return msgspec.to_builtins(result)


class SubscriptionSteps:
    """Runs a subscription's outbound steps and records them on it (the worker's Recorder)."""

    def __init__(self, service: Subscriptions, context: StepContext, ownership: Ownership) -> None:
        self.service, self.context, self.ownership = service, context, ownership
        self.pricing = service.pricing

    def steps(self) -> dict[str, Step]:
        return {"create_subscription": Step(self.create_subscription, self),
                "rarus_convert": Step(self.cabinet_order, self), "rarus_change": Step(self.cabinet_order, self),
                POLL_PAYMENT: Step(self.poll_payment, self), "prolong": Step(self.prolong, self),
                "correct": Step(self.correct, self)}

    # --- running ----------------------------------------------------------------------------------------------
    async def _subscription(self, operation: Operation) -> tuple[Subscription, Subscription | None, Customer]:
        async with self.context.db.reads() as session:
            row = await session.get(Subscription, operation.payload["subscription_id"])
            customer = await session.get(Customer, row.customer_id) if row is not None else None
            if row is None or customer is None:
                raise LookupError(f"operation {operation.id}: its subscription or customer is gone")
            main = await session.get(Subscription, row.main_id) if row.main_id else None
            return row, main, customer

    async def create_subscription(self, operation: Operation) -> Outcome:
        row, main, customer = await self._subscription(operation)
        if main is not None and main.provider_number is None:
            raise Transient("the main subscription is not at the provider yet", retry_after=1.0)
        adapter = await self.context.service_manager(operation)
        await self.ownership.not_anothers(operation, adapter, Enrollment.account, str(operation.payload["account"]),
                                          "subscriber")
        order = SubscriptionOrder(
            subscriber=int(operation.payload["account"]), kind=row.kind, tariff=row.tariff_code or row.tariff,
            # a tariff of fixed days (FR-SUB-19: 1С:Касса Базовый 250, 999 days) charges no months and is ordered without
            start=row.start, months=row.months_charged if row.kind == "main" and row.months_charged else None,
            quantity=row.quantity,
            main_number=int(main.provider_number) if main and main.provider_number else None,
            card={f: getattr(customer, f) for f in CARD_SYNC if getattr(customer, f) is not None})
        made = await adapter.create_subscription(order)
        if made.reused:  # an existing subscription found at the provider: never another partner's
            await self.ownership.not_anothers_subscription(operation, adapter, str(made.number))
        return Outcome(OK, made)

    async def correct(self, operation: Operation) -> Outcome:
        row, _, _ = await self._subscription(operation)
        adapter = await self.context.service_manager(operation)
        start = operation.payload.get("start")
        return Outcome(OK, await adapter.correct(int(row.provider_number or 0), _date(start),
                                                 operation.payload.get("months")))

    async def prolong(self, operation: Operation) -> Outcome:
        row, _, _ = await self._subscription(operation)
        adapter = await self.context.service_manager(operation)
        return Outcome(OK, await adapter.prolong(int(row.provider_number or 0)))

    async def cabinet_order(self, operation: Operation) -> Outcome:
        row, _, _ = await self._subscription(operation)
        adapter = await self.context.rarus_cabinet(operation)
        login = operation.payload["account"]
        await self.ownership.not_anothers(operation, adapter, Enrollment.account, str(login), "client")
        options = list(row.options or [])  # what the hub priced goes to the provider (RA-PRICE-04)
        if operation.kind == "rarus_convert":
            return Outcome(OK, await adapter.convert(login, row.seat_plan or [], row.months_charged, options))
        return Outcome(OK, await adapter.change(login, row.seat_plan or [], options))

    async def poll_payment(self, operation: Operation) -> Outcome:
        row, _, _ = await self._subscription(operation)
        adapter = await self.context.rarus_cabinet(operation)
        client = await adapter.client(operation.payload["account"])
        paid = client.status == "paying" and client.seat_plan == row.seat_plan and not client.pending_change
        return Outcome(OK, client) if paid else Outcome(WAITING)

    # --- recording --------------------------------------------------------------------------------------------
    async def step_succeeded(self, session: AsyncSession, operation: Operation, result: Any, now: datetime) -> None:
        """Store what the provider did; where its figures differ from the hub's, record it (agreement.py).
        A step that succeeds clears the failure an earlier attempt left (an order retried after it gave up)."""
        row = await self._locked(session, operation)
        if row is None:
            return
        row.updated_at, row.failure = now, None
        if isinstance(result, ProviderSubscription) and operation.kind == "create_subscription":
            row.provider_number, row.provider_data, row.status = str(result.number), _stored(result), "active"
            await self._agrees_fresh(session, row, result, now)
            _event(session, row, "subscription_active", provider_number=row.provider_number)
            await self._enrollment_paid(session, row, now)
        elif isinstance(result, (CabinetInvoice, CabinetChange)):
            await self._cabinet_ordered(session, operation, row, result, now)
        elif isinstance(result, ProviderSubscription):
            await self._corrected(session, row, operation.payload, result, now)
        elif isinstance(result, MailSent):
            row.provider_data = {**(row.provider_data or {}), "correction": {
                **(row.provider_data or {}).get("correction", {}), "sent": result.message_id}}
        elif isinstance(result, Extension):
            row.extension, row.extended_until = result.extension, result.extended_until
            _event(session, row, "subscription_extended", extension=row.extension,
                   extended_until=row.extended_until.isoformat())
        elif isinstance(result, CabinetClient):
            await self._paid(session, operation, row, result, now)

    async def _cabinet_ordered(self, session: AsyncSession, operation: Operation, row: Subscription,
                               result: CabinetInvoice | CabinetChange, now: datetime) -> None:
        row.provider_data = _stored(result)
        invoice = result.id if isinstance(result, CabinetInvoice) else result.surcharge_invoice
        row.provider_number = str(invoice or "")
        self._agrees_cabinet_order(session, operation.kind, row, result, now)
        if isinstance(result, CabinetChange) and result.applied:
            row.status = "active"
            _event(session, row, "subscription_active", monthly=result.monthly)
        else:
            row.status = "awaiting_payment"
            _event(session, row, "subscription_awaiting_payment", invoice=invoice, amount=result.amount)
            outbox.enqueue(session, partner_id=row.partner_id, provider=row.provider, kind=POLL_PAYMENT,
                           payload=operation.payload, customer_id=row.customer_id, due=now + self.service.poll_every)

    async def _paid(self, session: AsyncSession, operation: Operation, row: Subscription, client: CabinetClient,
                    now: datetime) -> None:
        row.status = "active"
        paid_through = client.paid_through.isoformat() if client.paid_through else None
        row.provider_data = {**(row.provider_data or {}), "paid": {
            "status": client.status, "monthly": client.monthly, "paid_through": paid_through,
            "seat_plan": client.seat_plan, "options": client.options}}
        expected = {"customer_price": row.customer_price, **({"end": row.end} if row.kind == "conversion" else {})}
        provider = {"customer_price": client.monthly, "end": client.paid_through}
        found = agreement.differing(expected, provider)
        invoiced_to = (row.provider_data or {}).get("period_end")
        causes = {"customer_price": agreement.monthly_cause(row, client),
                  "end": "follows from the provider's invoice period (RA-BILL-01)" if invoiced_to == paid_through
                  else f"the provider's paid period runs to {paid_through}, the hub's invoice to "
                       f"{row.end.isoformat()} (a renewal invoice paid meanwhile, RA-BILL-01)"}
        agreement.record(session, row, operation.kind, expected, found, causes, now)
        _event(session, row, "subscription_paid", paid_through=paid_through, monthly=client.monthly)
        _event(session, row, "subscription_active")
        await self._enrollment_paid(session, row, now)

    async def _agrees_fresh(self, session: AsyncSession, row: Subscription, result: ProviderSubscription,
                            now: datetime, step: str = "create_subscription") -> None:
        """Every figure the Service Manager reports against the hub's: period, retail, discount, partner amount."""
        expected = {"start": row.start, "end": row.end, "months_charged": row.months_charged, "retail": row.retail,
                    "discount_percent": row.discount_percent, "partner_cost": row.partner_cost}
        provider = {"start": result.start, "end": result.end, "months_charged": result.months_charged,
                    "retail": result.retail, "discount_percent": result.discount_percent, "partner_cost": result.amount}
        found = agreement.differing(expected, provider)
        causes: dict[str, str] = {}
        if found:
            customer = await session.get(Customer, row.customer_id)
            main = await session.get(Subscription, row.main_id) if row.main_id else None
            standing = await standing_of(session, row.partner_id)
            request = agreement.price_request(row, customer.new_to_1c if customer else None, main)
            causes = agreement.fresh_causes(found, row, self.pricing.engines[row.provider], standing, request,
                                            self.pricing.clock.today())
        agreement.record(session, row, step, expected, found, causes, now)

    def _agrees_cabinet_order(self, session: AsyncSession, step: str, row: Subscription,
                              result: CabinetInvoice | CabinetChange, now: datetime) -> None:
        """A conversion invoice (RA-BILL-01) or a change's surcharge (RA-BILL-02) against the hub's preview."""
        expected: dict[str, Any] = {"retail": row.retail}
        provider: dict[str, Any] = {"retail": result.amount}
        if isinstance(result, CabinetInvoice):
            expected.update(start=row.start, end=row.end)
            provider.update(start=result.period_start, end=result.period_end)
        elif result.applied and not result.already:
            provider["retail"] = result.amount or "0.00"  # applied at once: nothing to pay
            expected["customer_price"], provider["customer_price"] = row.customer_price, result.monthly
        found = agreement.differing(expected, provider)
        agreement.record(session, row, step, expected, found, agreement.invoice_causes(found, row, result), now)

    async def _corrected(self, session: AsyncSession, row: Subscription, asked: dict[str, Any],
                         result: ProviderSubscription, now: datetime) -> None:
        """After a correction the subscription shows one calculation: the hub's own, as /prices/subscription gives
        it for the corrected period (FR-SUB-12) — or, for a помесячно shortening, the same subscription with fewer
        monthly parts (FAM-SUB-10/11). The provider's figures replace the old ones in ``provider_data`` and are
        compared with it."""
        start = _date(asked.get("start")) or row.start
        months = asked.get("months") or row.months_charged
        shortening = row.partner_monthly is not None and not asked.get("start") and months < row.months_charged
        customer = await session.get(Customer, row.customer_id)
        standing = await standing_of(session, row.partner_id)
        request = agreement.price_request(row, customer.new_to_1c if customer else None, None, start=start, months=months)
        if shortening and row.partner_monthly is not None:
            row.end, row.months_charged = period_end(row.start, months), months
            row.partner_cost = (Money(row.partner_monthly, row.currency) * months).rounded().amount
        else:
            try:
                price = self.pricing.engines[row.provider].price(request, standing, self.pricing.clock.today())  # type: ignore[attr-defined]
            except PricingError:  # the hub cannot price it any more (a tariff withdrawn): the provider's figures stand
                price = None
            if price is None:
                row.start, row.end = result.start, result.end
                row.months_charged, row.retail = result.months_charged or row.months_charged, Decimal(result.retail)
                row.discount_percent, row.partner_cost = result.discount_percent, Decimal(result.amount)
            else:
                row.start, row.end, row.months_charged = price.start, price.end, price.months_charged
                row.retail, row.discount_percent, row.partner_cost = price.retail_price, price.discount_percent, price.partner_cost
                row.partner_monthly, row.invoice_due = price.partner_monthly, price.invoice_due
        reported = {k: v for k, v in _stored(result).items()
                    if k in ("start", "end", "months_charged", "retail", "discount_percent", "amount", "partner_monthly")
                    and v is not None}
        row.provider_data = {**(row.provider_data or {}), **reported}
        await self._agrees_fresh(session, row, result, now, step="correct")
        _event(session, row, "subscription_corrected", start=row.start.isoformat(), end=row.end.isoformat(),
               months_charged=row.months_charged, partner_cost=row.partner_cost)

    @staticmethod
    async def _enrollment_paid(session: AsyncSession, row: Subscription, now: datetime) -> None:
        # conditional: an enrollment cancelled meanwhile stays cancelled
        await session.execute(update(Enrollment).where(
            Enrollment.customer_id == row.customer_id, Enrollment.provider == row.provider,
            Enrollment.state.in_(("trial_active", "ready_for_paid"))).values(state="active_paid", updated_at=now)
            .execution_options(synchronize_session="fetch"))

    async def step_failed(self, session: AsyncSession, operation: Operation, error: str, rule: str | None,
                          now: datetime) -> None:
        """An order that gave up fails; a correction, extension or e-mail that gave up leaves the subscription as
        it runs at the provider, with the failure shown."""
        row = await self._locked(session, operation)
        if row is None:
            return
        row.failure, row.updated_at = error, now
        if operation.kind in ORDERING:
            row.status = "failed"
        _event(session, row, "subscription_failed" if operation.kind in ORDERING else "subscription_step_failed",
               step=operation.kind, error=error, rule=rule)

    @staticmethod
    async def _locked(session: AsyncSession, operation: Operation) -> Subscription | None:
        """The operation's subscription, locked against a change requested through the API meanwhile."""
        return await session.get(Subscription, operation.payload["subscription_id"], with_for_update=True,
                                 populate_existing=True)


def _event(session: AsyncSession, row: Subscription, kind: str, **data: Any) -> None:
    emit_for(session, row.partner_id, kind, customer_id=row.customer_id, subscription_id=row.id,
             provider=row.provider, subscription_kind=row.kind, status=row.status, **data)


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None
