"""The outbox worker: claims due operations, runs them through the adapters, records every attempt.

Started by `hub worker`, and inside `hub serve` in the embedded default. Several may run on one
PostgreSQL; each row is leased to one worker at a time (see services/outbox.py).

Every provider call speaks for the partner whose operation it is: with that partner's own
credentials (services/credentials.py), or the hub's default account when it stored none.
"""
from __future__ import annotations

import asyncio
from email.message import EmailMessage
import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from adapters import (
    AccessHandle,
    AccessRequest,
    AdapterError,
    Adapters,
    CertificateRequest,
    FreshAdapter,
    NotFound,
    RarusAdapter,
    Rejected,
    RetryPolicy,
    SubscriptionOrder,
    Transient,
    User,
    compose_certificate_request,
    retry_delay,
)
from adapters.mail import compose_mail
from pricing import MOSCOW
from providers import PROFILES

from hub.core.clock import Clock, SystemClock
from hub.core.db import Customer, Database, Enrollment, Operation, OperationAttempt, Subscription
from hub.partners import credentials
from hub.onboarding import mailbox
from hub.core import outbox
from hub.partners.credentials import Vault
from hub.onboarding.service import Onboarding, provider_forgot
from hub.core.event_subjects import emit_for
from hub.reports.service import NoticeMail, queue_notices
from hub.subscriptions.service import CARD_SYNC, Subscriptions
from hub.transfers.service import Transfers

log = logging.getLogger("hub.core.worker")
OK, WAITING, TRANSIENT, REJECTED = "ok", "waiting", "transient", "rejected"
MAIL_EVENTS = ("subscription", "transfer")  # an enrollment's own service reports its e-mails; notices are in their report


@dataclass(frozen=True)
class WorkerSettings:
    batch: int = 20
    lease: timedelta = timedelta(seconds=120)  # longer than any call with its retries
    poll_every: timedelta = timedelta(seconds=30)
    idle: float = 0.5  # seconds between empty rounds
    sweep_every: timedelta = timedelta(seconds=60)  # trials ending, transfers past 24 h, notices due
    retry: RetryPolicy = RetryPolicy(attempts=12, base=1.0, cap=300.0, total=3600.0)  # the outbox's own pace
    mail_from: str = "hub@partner.local"


@dataclass
class Outcome:
    kind: str
    result: dict[str, Any] | None = None
    error: str | None = None
    rule: str | None = None
    retry_after: float | None = None


def _mail_sent(session: Any, operation: Operation, result: dict[str, Any]) -> None:
    """A request about a subscription (a correction, RULES §5) or a transfer went to the provider's mailbox."""
    about = operation.payload["about"]
    emit_for(session, operation.partner_id, "mail_sent", customer_id=operation.customer_id, about=about,
             **{f"{about}_id": operation.payload.get(f"{about}_id")}, to=operation.payload.get("to"),
             subject=operation.payload.get("subject"), message_id=result.get("message_id"))


def _users(payload: dict[str, Any]) -> tuple[User, ...]:
    return tuple(User(u["name"], u["email"], u.get("phone")) for u in payload["users"])


class Worker:
    def __init__(self, db: Database, adapters: Adapters, onboarding: Onboarding, subscriptions: Subscriptions,
                 transfers: Transfers, settings: WorkerSettings = WorkerSettings(), clock: Clock | None = None,
                 name: str | None = None, vault: Vault | None = None) -> None:
        self.db, self.adapters, self.onboarding, self.transfers, self.settings = db, adapters, onboarding, transfers, settings
        self.vault = vault
        self.clock = clock or SystemClock()
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._swept_at: datetime | None = None
        self.mail_about = {"transfer": transfers, "subscription": subscriptions, "enrollment": onboarding,
                           "notice": NoticeMail()}
        self.steps = {
            "request_certificates": (self._request_certificates, onboarding),
            "request_access": (self._request_access, onboarding),
            "poll_access": (self._poll_access, onboarding),
            "create_subscription": (self._create_subscription, subscriptions),
            "rarus_convert": (self._rarus_order, subscriptions),
            "rarus_change": (self._rarus_order, subscriptions),
            "poll_payment": (self._poll_payment, subscriptions),
            "prolong": (self._prolong, subscriptions),
            mailbox.MAIL: (self._send_mail, None),
            "correct": (self._correct, subscriptions),
        }

    # --- whose account --------------------------------------------------------------------------------------
    async def _adapter(self, operation: Operation) -> Any:
        """The provider's adapter signed in as the operation's partner (its own account, or the default)."""
        async with self.db.reads() as session:
            own = await credentials.signed_in_as(session, self.vault, operation.partner_id, operation.provider)
        return self.adapters.provider(operation.provider, own)

    async def _not_anothers(self, operation: Operation, adapter: Any, column: Any, value: str, what: str) -> None:
        """Partners who share one provider account (the hub's default) see each other's objects there:
        what another partner's enrollment, customer card or subscription on that same account already holds
        is never adopted."""
        default = self.adapters.providers[operation.provider].identity
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
        if any(stored.get(holder, default) == adapter.identity for holder in holders):
            raise Rejected(f"{operation.provider}: the {what} {value} found at the provider is another partner's "
                           f"customer's; it is not adopted", provider=operation.provider, code="owner_conflict")

    async def _not_anothers_subscription(self, operation: Operation, adapter: Any, number: str) -> None:
        async with self.db.reads() as session:
            holders = set(await session.scalars(select(Subscription.partner_id).where(
                Subscription.provider == operation.provider, Subscription.provider_number == number,
                Subscription.partner_id != operation.partner_id)))
            stored = await credentials.accounts_at(session, operation.provider, holders)
        default = self.adapters.providers[operation.provider].identity
        if any(stored.get(holder, default) == adapter.identity for holder in holders):
            raise Rejected(f"{operation.provider}: the subscription {number} found at the provider is another "
                           f"partner's; it is not adopted", provider=operation.provider, code="owner_conflict")

    # --- the steps ------------------------------------------------------------------------------------------
    async def _request_certificates(self, operation: Operation) -> Outcome:
        payload = operation.payload
        if self.adapters.mail is None:
            return Outcome(REJECTED, error="no SMTP relay is configured for e-mail channels")
        number = payload.get("customer_number")
        request = CertificateRequest(payload["partner_name"], int(payload["partner_number"]), payload["customer_name"],
                                     str(number) if number else None, _users(payload))
        message = compose_certificate_request(request, self.settings.mail_from, operation.message_id or "")
        return Outcome(OK, {"message_id": await self.adapters.mail.send(message)})

    async def _request_access(self, operation: Operation) -> Outcome:
        p = operation.payload
        request = AccessRequest(p["customer_name"], _users(p), p.get("tariff"), p.get("inn"), p.get("phone"),
                                p.get("timezone", "Europe/Moscow"), tuple(p.get("products") or ()), p.get("partner_code"),
                                p.get("partner_name"))
        adapter = await self._adapter(operation)
        handle = await adapter.request_access(request)
        if handle.reused:
            await self._not_anothers(operation, adapter, Enrollment.reference, handle.reference,
                                     "invitation or trial request")
        return Outcome(OK, {"reference": handle.reference, "reused": handle.reused})

    async def _poll_access(self, operation: Operation) -> Outcome:
        adapter = await self._adapter(operation)
        reference = operation.payload["reference"]
        try:
            status = await adapter.access_status(AccessHandle(reference))
        except NotFound as exc:  # gone there (e.g. a sandbox restarted empty): the enrollment fails saying so
            return Outcome(REJECTED, error=provider_forgot(operation.provider, reference, exc.message), rule=exc.rule)
        if not status.active:
            return Outcome(WAITING)
        if status.account:
            await self._not_anothers(operation, adapter, Enrollment.account, status.account, "account")
        return Outcome(OK, {"account": status.account, "trial_end": status.trial_end.isoformat() if status.trial_end else None})

    async def _subscription(self, operation: Operation) -> tuple[Subscription, Subscription | None, Customer]:
        async with self.db.reads() as session:
            row = await session.get(Subscription, operation.payload["subscription_id"])
            assert row is not None
            main = await session.get(Subscription, row.main_id) if row.main_id else None
            customer = await session.get(Customer, row.customer_id)
            assert customer is not None
            return row, main, customer

    async def _create_subscription(self, operation: Operation) -> Outcome:
        row, main, customer = await self._subscription(operation)
        if main is not None and main.provider_number is None:
            raise Transient("the main subscription is not at the provider yet", retry_after=1.0)
        adapter = await self._adapter(operation)
        assert isinstance(adapter, FreshAdapter)
        await self._not_anothers(operation, adapter, Enrollment.account, str(operation.payload["account"]), "subscriber")
        order = SubscriptionOrder(
            subscriber=int(operation.payload["account"]), kind=row.kind, tariff=row.tariff_code or row.tariff,
            # a tariff of fixed days (FR-SUB-19: 1С:Касса Базовый 250, 999 days) charges no months and is ordered without
            start=row.start, months=row.months_charged if row.kind == "main" and row.months_charged else None,
            quantity=row.quantity,
            main_number=int(main.provider_number) if main and main.provider_number else None,
            card={f: getattr(customer, f) for f in CARD_SYNC if getattr(customer, f) is not None})
        made = await adapter.create_subscription(order)
        if made.reused:  # an existing subscription found at the provider: never another partner's
            await self._not_anothers_subscription(operation, adapter, str(made.number))
        return Outcome(OK, {"number": made.number, "start": made.start.isoformat(), "end": made.end.isoformat(),
                            "retail": made.retail, "discount_percent": made.discount_percent, "amount": made.amount,
                            "reused": made.reused})

    async def _send_mail(self, operation: Operation) -> Outcome:
        """An e-mail of the outbox: a request to a provider's mailbox (RULES §5) or a customer notice."""
        if self.adapters.mail is None:
            return Outcome(REJECTED, error="no SMTP relay is configured for e-mail channels")
        message = compose_mail(self.settings.mail_from, operation.payload["to"], operation.payload["subject"],
                               operation.payload["body"], operation.message_id or "")  # one line per value
        return Outcome(OK, {"message_id": await self.adapters.mail.send(message)})

    async def _correct(self, operation: Operation) -> Outcome:
        row, _, _ = await self._subscription(operation)
        adapter = await self._adapter(operation)
        assert isinstance(adapter, FreshAdapter) and row.provider_number is not None
        return Outcome(OK, await adapter.correct(int(row.provider_number), operation.payload.get("start"),
                                                 operation.payload.get("months")))

    async def _prolong(self, operation: Operation) -> Outcome:
        row, _, _ = await self._subscription(operation)
        adapter = await self._adapter(operation)
        assert isinstance(adapter, FreshAdapter) and row.provider_number is not None
        return Outcome(OK, await adapter.prolong(int(row.provider_number)))

    async def _rarus_order(self, operation: Operation) -> Outcome:
        row, _, _ = await self._subscription(operation)
        adapter = await self._adapter(operation)
        assert isinstance(adapter, RarusAdapter)
        login = operation.payload["account"]
        await self._not_anothers(operation, adapter, Enrollment.account, str(login), "client")
        options = list(row.options or [])  # what the hub priced goes to the provider (RA-PRICE-04)
        if operation.kind == "rarus_convert":
            return Outcome(OK, await adapter.convert(login, row.seat_plan or [], row.months_charged, options))
        return Outcome(OK, await adapter.change(login, row.seat_plan or [], options))

    async def _poll_payment(self, operation: Operation) -> Outcome:
        row, _, _ = await self._subscription(operation)
        adapter = await self._adapter(operation)
        assert isinstance(adapter, RarusAdapter)
        client = await adapter.client(operation.payload["account"])
        paid = client["status"] == "paying" and client["seat_plan"] == row.seat_plan and not client.get("pending_change")
        return Outcome(OK, {"status": client["status"], "monthly": client["monthly"], "paid_through": client["paid_through"],
                            "seat_plan": client["seat_plan"], "options": client.get("options") or []}) \
            if paid else Outcome(WAITING)

    async def execute(self, operation: Operation) -> Outcome:
        known = self.steps.get(operation.kind)
        if known is None:
            return Outcome(REJECTED, error=f"unknown operation kind {operation.kind!r}")
        try:
            return await known[0](operation)
        except Transient as exc:
            return Outcome(TRANSIENT, error=exc.message, retry_after=exc.retry_after)
        except AdapterError as exc:  # refused, not found, misconfigured: retrying will not help
            return Outcome(REJECTED, error=f"{type(exc).__name__}: {exc.message}", rule=exc.rule)
        except Exception as exc:  # a bug or an unforeseen failure: keep the row, retry later, log it
            log.exception("operation %s failed unexpectedly", operation.id)
            return Outcome(TRANSIENT, error=f"{type(exc).__name__}: {exc}")

    # --- the loop -------------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    async def run_once(self) -> int:
        """One round: claim due rows, run them concurrently, record the outcomes, sweep trials."""
        async with self.db.sessions() as session:
            claimed = await outbox.claim(session, self.name, self.now(), self.settings.batch, self.settings.lease,
                                         skip_locked=not self.db.is_sqlite)
        await asyncio.gather(*(self._run(operation) for operation in claimed))
        now = self.now()
        if self._swept_at is None or now - self._swept_at >= self.settings.sweep_every:
            await self.sweep(now)
            self._swept_at = now
        return len(claimed)

    async def sweep(self, now: datetime) -> None:
        """The time-driven duties: trials ending and expired, unanswered transfers, customer notices due."""
        today = now.astimezone(MOSCOW).date()
        async with self.db.sessions() as session:
            await self.onboarding.sweep(session, today)
            await self.transfers.sweep(session, now)
            await queue_notices(session, today)
            await session.commit()

    async def _run(self, operation: Operation) -> None:
        started = self.now()
        outcome = await self.execute(operation)
        await self._record(operation.id, started, outcome)

    async def _record(self, operation_id: int, started: datetime, outcome: Outcome) -> None:
        now = self.now()
        async with self.db.sessions() as session:
            row = await outbox.held(session, operation_id, self.name)
            if row is None:  # the lease ran out and another worker took the row: its run counts, not ours
                return
            session.add(OperationAttempt(operation_id=row.id, worker=self.name, started_at=started, finished_at=now,
                                         outcome=outcome.kind, error=outcome.error))
            service = self.mail_about[row.payload["about"]] if row.kind == mailbox.MAIL else \
                self.steps[row.kind][1] if row.kind in self.steps else self.onboarding
            if outcome.kind == OK:
                outbox.release(row, outbox.SUCCEEDED, now, result=outcome.result)
                await service.step_succeeded(session, row, outcome.result or {}, now)
                if row.kind == mailbox.MAIL and row.payload["about"] in MAIL_EVENTS:
                    _mail_sent(session, row, outcome.result or {})
            elif outcome.kind == WAITING:
                row.attempts = 0  # waiting is not failing
                outbox.release(row, outbox.PENDING, now, due=now + self.settings.poll_every)
            elif outcome.kind == TRANSIENT and row.attempts < row.max_attempts:
                delay = retry_delay(row.attempts, outcome.retry_after, self.settings.retry)
                outbox.release(row, outbox.PENDING, now, due=now + timedelta(seconds=delay), error=outcome.error)
            else:
                error = outcome.error or "failed"
                if outcome.kind == TRANSIENT:
                    error = f"gave up after {row.attempts} attempts: {error}"
                outbox.release(row, outbox.FAILED, now, error=error)
                await service.step_failed(session, row, error, outcome.rule, now)
            await session.commit()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("worker round failed")
                busy = 0
            if not busy:
                try:
                    await asyncio.wait_for(stop.wait(), self.settings.idle)
                except asyncio.TimeoutError:
                    pass
