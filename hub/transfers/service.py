"""Customers moving between partners (FR-SUB-16, FK-SUB-16).

The customer may start a transfer when at most the profile's window (30 days fresh_ru, 14 fresh_kz)
is left of its subscription; the releasing partner approves, or refuses with a comment; no answer
within 24 hours counts as approval. An earlier transfer is a request to the provider's mailbox
(RULES §5), sent through the outbox.

A decision locks the transfer and checks it is still awaiting our answer; the 24-hour auto-approval
is one conditional UPDATE (… WHERE status = 'awaiting_decision'). So of decisions and the sweep
racing on one transfer exactly one lands; a later decision is a 409 naming the transfer rule.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from hub.core import audit, mailbox
from hub.core.caller import Caller
from hub.core.clock import Clock
from hub.core.db.models import Operation, Subscription, Transfer
from hub.core.exceptions import Conflict, InvalidField
from hub.core.tenancy import owned_row
from hub.customers.service import owned
from hub.subscriptions import LIVE
from hub.transfers.schemas import DECIDED, TransferCreate, TransferDecision, TransferOut

ANSWER_WITHIN = timedelta(hours=24)


def _out(row: Transfer) -> TransferOut:
    return TransferOut(row.id, row.customer_id, row.provider, row.direction, row.other_partner, row.subscription_end,
                       row.requested_at, row.answer_by, row.early, row.status, row.comment, row.decided_at,
                       PROFILES[row.provider].transfer_rule)


class Transfers:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock  # the one clock of the composition root

    def _now(self) -> datetime:
        return self.clock.now().astimezone(timezone.utc)

    async def create(self, session: AsyncSession, caller: Caller, data: TransferCreate) -> TransferOut:
        profile = PROFILES[data.provider]
        if profile.transfer_window_days is None:
            raise InvalidField("provider", f"{profile.title} has no partner-to-partner transfer")
        if not data.other_partner.strip():
            raise InvalidField("other_partner", "name the other partner")
        customer = await owned(session, caller, data.customer_id)
        end = await self._known_end(session, caller, customer.id, data)
        if end is None:
            raise InvalidField("subscription_end", "the customer has no subscription here the hub knows; give its end")
        days_left = (end - self.clock.today()).days
        if days_left > profile.transfer_window_days and not data.early:
            raise InvalidField("early", f"a transfer starts when at most {profile.transfer_window_days} days are left "
                               f"({days_left} now); earlier, by request to {profile.mailbox}: set early",
                               rule=profile.transfer_rule)
        now = self._now()
        row = Transfer(partner_id=caller.partner_id, customer_id=customer.id, provider=data.provider,
                       direction=data.direction, other_partner=data.other_partner.strip(), subscription_end=end,
                       requested_at=now, early=data.early, created_at=now,
                       status="early_requested" if data.early else
                       ("awaiting_decision" if data.direction == "outgoing" else "requested"),
                       answer_by=None if data.early or data.direction == "incoming" else now + ANSWER_WITHIN)
        session.add(row)
        await session.flush()
        if data.early:
            await self._request_early(session, caller, row, customer)
        view = _out(row)
        audit.record(session, caller, "transfer", row.id, "create", after=view)
        return view

    @staticmethod
    async def _known_end(session: AsyncSession, caller: Caller, customer_id: str, data: TransferCreate) -> date | None:
        """The end the transfer window counts from. Outgoing: the customer's subscription is ours, so the
        hub's own data decides (the latest live main's end); a ``subscription_end`` that says otherwise is
        refused, since it would move the window (FR-SUB-16, FK-SUB-16). Incoming: the subscription is the
        other partner's, which the hub cannot see, so the caller's value is taken (else the hub's)."""
        known = await session.scalar(select(Subscription.end).where(
            Subscription.partner_id == caller.partner_id, Subscription.customer_id == customer_id,
            Subscription.provider == data.provider, Subscription.kind == "main", Subscription.status.in_(LIVE))
            .order_by(Subscription.end.desc()).limit(1))
        if data.direction == "incoming":
            return data.subscription_end or known
        if known is not None and data.subscription_end not in (None, known):
            raise InvalidField("subscription_end", f"{data.subscription_end.isoformat()} contradicts the hub's data: the "
                               f"customer's subscription here ends {known.isoformat()}; leave it out",
                               rule=PROFILES[data.provider].transfer_rule)
        return known or data.subscription_end

    async def _request_early(self, session: AsyncSession, caller: Caller, row: Transfer, customer: Any) -> None:
        """RULES §5: an early transfer is asked of the provider by e-mail, naming the subscriber."""
        profile = PROFILES[row.provider]
        direction = "к партнеру" if row.direction == "outgoing" else "от партнера"
        number = (customer.accounts or {}).get(profile.account_field)
        await mailbox.ask_provider(
            session, caller, row.provider, about="transfer", about_id=row.id, subscriber=number,
            subject=f"Досрочный перевод абонента №{number or '—'} ({profile.transfer_rule})",
            lines=[f"Абонент: {customer.legal_name}", f"Просим перевести абонента {direction} {row.other_partner} "
                   f"до окончания подписки ({row.subscription_end.isoformat()})."],
            label=f"transfer-{row.id}", customer_id=row.customer_id)

    async def decide(self, session: AsyncSession, caller: Caller, transfer_id: str, data: TransferDecision) -> TransferOut:
        row = await self._owned(session, caller, transfer_id, for_update=True)
        if row.status in DECIDED:
            raise Conflict(f"the transfer was already decided: {row.status}", field="status",
                           rule=PROFILES[row.provider].transfer_rule)
        if row.status != "awaiting_decision":
            raise InvalidField("status", f"the transfer is {row.status}; only one awaiting our answer can be decided")
        now = self._now()
        if row.answer_by is not None and now > row.answer_by:
            raise InvalidField("status", "no answer within 24 hours counts as approval", rule=PROFILES[row.provider].transfer_rule)
        if not data.approve and not (data.comment or "").strip():
            raise InvalidField("comment", "a refusal carries a comment", rule=PROFILES[row.provider].transfer_rule)
        before = _out(row)
        row.status, row.comment, row.decided_at = ("approved" if data.approve else "refused"), data.comment, now
        audit.record(session, caller, "transfer", row.id, "decide", before, _out(row))
        return _out(row)

    async def sweep(self, session: AsyncSession, now: datetime) -> None:
        """No answer within 24 hours counts as approval — unless a decision landed first (the condition is
        evaluated again on a row a decision holds locked, once that decision commits)."""
        await session.execute(update(Transfer).where(Transfer.status == "awaiting_decision", Transfer.answer_by < now)
                              .values(status="auto_approved", decided_at=Transfer.answer_by)
                              .execution_options(synchronize_session=False))

    async def _owned(self, session: AsyncSession, caller: Caller, transfer_id: str, *, for_update: bool = False) -> Transfer:
        return await owned_row(session, Transfer, caller, transfer_id, "transfer", for_update=for_update)

    async def read(self, session: AsyncSession, caller: Caller, transfer_id: str) -> TransferOut:
        return _out(await self._owned(session, caller, transfer_id))

    async def listing(self, session: AsyncSession, caller: Caller, status: str | None) -> list[TransferOut]:
        where = [Transfer.partner_id == caller.partner_id] + ([Transfer.status == status] if status else [])
        return [_out(r) for r in await session.scalars(select(Transfer).where(*where).order_by(Transfer.created_at))]

    # --- the worker's report on the early-transfer e-mail -------------------------------------------------------
    async def step_succeeded(self, session: AsyncSession, operation: Operation, result: dict[str, Any], now: datetime) -> None:
        return None  # the request is out; the provider answers the partner by e-mail

    async def step_failed(self, session: AsyncSession, operation: Operation, error: str, rule: str | None,
                          now: datetime) -> None:
        row = await session.get(Transfer, operation.payload["transfer_id"], with_for_update=True, populate_existing=True)
        if row is not None:
            row.status, row.comment = "failed", error
