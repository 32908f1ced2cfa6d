"""The Monday digest (FAM-SUB-14): subscriptions ending in the coming weeks and those created last week."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.mail import one_line
from pricing import MOSCOW
from pricing.fields import DATE_RANGE

from hub.core.caller import Caller
from hub.core.db.models import Customer, Departure, NoticeSent, Subscription
from hub.core.exceptions import InvalidField
from hub.core import mailbox
from hub.subscriptions import LIVE

COLUMNS = ("section", "provider", "customer", "subscription", "provider_number", "kind", "tariff", "start", "end",
           "retail", "partner_cost", "currency", "created_on", "provider_differs", "hub_partner_cost")


class DigestLine(msgspec.Struct):
    section: str  # "ending" or "created"
    provider: str
    customer: str
    subscription: str
    provider_number: str | None
    kind: str
    tariff: str
    start: date
    end: date
    retail: Decimal
    partner_cost: Decimal
    currency: str
    created_on: date
    provider_differs: str | None = None  # the fields the provider confirmed otherwise, e.g. "discount_percent partner_cost"
    hub_partner_cost: Decimal | None = None  # the hub's expectation, when the provider's partner_cost (shown) differs


def _as_confirmed(row: Subscription) -> tuple[Decimal, Decimal, str | None, Decimal | None]:
    """(retail, partner cost, differing fields, the hub's partner cost): the provider's figures where it said
    otherwise than the hub expected — what is really billed — flagged as such."""
    differs = {d["field"]: d for d in row.discrepancies or []}
    retail, cost, expected = row.retail, row.partner_cost, None
    if "retail" in differs and differs["retail"]["provider"] is not None:
        retail = Decimal(str(differs["retail"]["provider"]))
    if "partner_cost" in differs and differs["partner_cost"]["provider"] is not None:
        cost, expected = Decimal(str(differs["partner_cost"]["provider"])), row.partner_cost
    return retail, cost, " ".join(sorted(differs)) or None, expected


class WeeklyDigest(msgspec.Struct):
    week: str
    monday: date
    ending_until: date
    created_from: date
    lines: list[DigestLine]

    def by_provider(self) -> dict[str, dict[str, list[DigestLine]]]:
        grouped: dict[str, dict[str, list[DigestLine]]] = {}
        for line in self.lines:
            grouped.setdefault(line.provider, {"ending": [], "created": []})[line.section].append(line)
        return grouped


def monday_of(week: str) -> date:
    """ISO week "2026-W48" → its Monday."""
    try:
        year, number = week.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        raise InvalidField("week", "an ISO week such as 2026-W48") from None
    if not DATE_RANGE[0] <= monday <= DATE_RANGE[1]:
        raise InvalidField("week", f"a week from {DATE_RANGE[0].year} to {DATE_RANGE[1].year}")
    return monday


def current_week(today: date) -> str:
    year, number, _ = today.isocalendar()
    return f"{year}-W{number:02d}"


async def weekly(session: AsyncSession, caller: Caller, week: str, weeks_ahead: int = 4) -> WeeklyDigest:
    if not 1 <= weeks_ahead <= 26:
        raise InvalidField("weeks_ahead", "between 1 and 26")
    monday = monday_of(week)
    until = monday + timedelta(days=7 * weeks_ahead - 1)
    created_from = monday - timedelta(days=7)
    since = datetime.combine(created_from, time(0), MOSCOW)
    before = datetime.combine(monday, time(0), MOSCOW)
    rows = await session.execute(
        select(Subscription, Customer.legal_name).join(Customer, Customer.id == Subscription.customer_id).where(
            Subscription.partner_id == caller.partner_id, Subscription.status.in_(LIVE),
            ((Subscription.end >= monday) & (Subscription.end <= until))
            | ((Subscription.created_at >= since) & (Subscription.created_at < before)),
        ).order_by(Subscription.provider, Subscription.end, Subscription.created_at, Subscription.id))
    lines = []
    for row, name in rows:
        created_on = row.created_at.astimezone(MOSCOW).date()
        sections = (["ending"] if monday <= row.end <= until else []) + (["created"] if since <= row.created_at < before else [])
        retail, cost, differs, expected = _as_confirmed(row)
        lines += [DigestLine(section, row.provider, name, row.id, row.provider_number, row.kind, row.tariff, row.start,
                             row.end, retail, cost, row.currency, created_on, differs, expected) for section in sections]
    lines.sort(key=lambda line: (line.provider, line.section != "ending", line.end, line.subscription))
    return WeeklyDigest(current_week(monday), monday, until, created_from, lines)  # the week as ISO spells it


def table(digest: WeeklyDigest) -> list[dict[str, Any]]:
    """The digest's lines with their own types (text, Decimal, date) for hub.core.spreadsheet to write typed."""
    return [{column: getattr(line, column) for column in COLUMNS} for line in digest.lines]


def export_name(digest: WeeklyDigest, extension: str) -> str:
    return f"weekly-digest-{digest.week}.{extension}"


NOTICE_OFFSETS = (-7, -3, 0, 5)  # FAM-SUB-14: days from the end of the subscription


class Notice(msgspec.Struct):
    due_on: date
    offset_days: int  # -7, -3, 0 or +5 from the end
    provider: str
    customer_id: str
    customer: str
    email: str | None
    subscription: str
    tariff: str
    end: date
    rule: str = "FAM-SUB-14"
    queued: bool = False  # the worker has taken it on (a notice is recorded once)
    sent_at: datetime | None = None  # what was sent, once mailed
    note: str | None = None


class RenewalDue(msgspec.Struct):
    subscription: str
    customer_id: str
    customer: str
    provider: str
    tariff: str
    end: date
    preview: Any  # the renewal's price as POST /api/v1/subscriptions with dry_run would show it


async def _unrenewed_mains(session: AsyncSession, caller: Caller | None, ending_from: date, ending_to: date, on: date):
    """Live main subscriptions ending in the window with no later main for the same customer and provider
    (of one partner, or of all when ``caller`` is None: the worker's sweep), and whose customer has not left
    that provider by ``on``."""
    mine = [Subscription.partner_id == caller.partner_id] if caller else []
    live_mains = [Subscription.kind == "main", Subscription.status.in_(LIVE)]
    ending = list(await session.execute(
        select(Subscription, Customer).join(Customer, Customer.id == Subscription.customer_id).where(
            *mine, *live_mains, Subscription.end >= ending_from, Subscription.end <= ending_to)
        .order_by(Subscription.end, Subscription.id)))
    if not ending:
        return []
    later = await session.execute(
        select(Subscription.customer_id, Subscription.provider, func.max(Subscription.start)).where(
            *live_mains, Subscription.customer_id.in_({row.customer_id for row, _ in ending}))
        .group_by(Subscription.customer_id, Subscription.provider))
    latest_start = {(customer_id, provider): start for customer_id, provider, start in later}
    unrenewed = [(row, customer) for row, customer in ending if latest_start[(row.customer_id, row.provider)] <= row.end]
    gone = await _departed(session, [row for row, _ in unrenewed], on)
    return [(row, customer) for row, customer in unrenewed if row.id not in gone]


async def _departed(session: AsyncSession, rows: list[Subscription], on: date) -> set[str]:
    """The subscriptions among ``rows`` whose customer left their provider (churn, or a move to local ITS —
    FAM-SUB-15) on or before ``on``, while they had started: from the day of departure on, no notice and no
    renewal. A subscription starting after the departure is the customer's return, and counts."""
    if not rows:
        return set()
    left = await session.execute(select(Departure.partner_id, Departure.customer_id, Departure.provider, Departure.left_on)
                                 .where(Departure.customer_id.in_({row.customer_id for row in rows}), Departure.left_on <= on,
                                        (Departure.kind == "churn") | (Departure.direction == "to_local_its")))
    departures: dict[tuple[str, str, str], list[date]] = {}
    for partner_id, customer_id, provider, left_on in left:
        departures.setdefault((partner_id, customer_id, provider), []).append(left_on)
    return {row.id for row in rows
            if any(row.start <= left_on for left_on in departures.get((row.partner_id, row.customer_id, row.provider), []))}


async def notices(session: AsyncSession, caller: Caller | None, on: date) -> list[Notice]:
    """The customer expiry notices due on ``on`` (FAM-SUB-14), with what was sent; a renewed subscription gets none."""
    window = await _unrenewed_mains(session, caller, on - timedelta(days=max(NOTICE_OFFSETS)),
                                    on - timedelta(days=min(NOTICE_OFFSETS)), on)
    sent = {(n.subscription_id, n.offset_days): n for n in await session.scalars(
        select(NoticeSent).where(NoticeSent.subscription_id.in_([row.id for row, _ in window])))}
    found = []
    for row, customer in window:
        for offset in NOTICE_OFFSETS:
            if row.end + timedelta(days=offset) == on:
                record = sent.get((row.id, offset))
                found.append(Notice(on, offset, row.provider, customer.id, customer.legal_name, customer.email, row.id,
                                    row.tariff, row.end, queued=record is not None,
                                    sent_at=record.sent_at if record else None, note=record.note if record else None))
    return found


NOTICE_TEXT = {-7: "заканчивается через 7 дней", -3: "заканчивается через 3 дня", 0: "заканчивается сегодня",
               5: "закончилась 5 дней назад"}


async def queue_notices(session: AsyncSession, on: date) -> int:
    """The worker's daily duty: each due notice recorded once (a unique key per subscription and offset)
    and mailed to the customer through the outbox."""
    queued = 0
    for notice in await notices(session, None, on):
        if notice.queued:
            continue
        row = await session.get(Subscription, notice.subscription)
        assert row is not None
        record = NoticeSent(partner_id=row.partner_id, subscription_id=row.id, offset_days=notice.offset_days,
                            due_on=on, to=notice.email, note=None if notice.email else "the customer card has no e-mail")
        session.add(record)
        await session.flush()
        if notice.email:
            operation = mailbox.send(
                session, partner_id=row.partner_id, provider=row.provider, about="notice", about_id=record.id,
                to=notice.email, subject=f"Подписка «{row.tariff}» {NOTICE_TEXT[notice.offset_days]}",
                body=f"Здравствуйте! Ваша подписка «{one_line(row.tariff)}» ({row.provider}) действует по {row.end.isoformat()} и "
                     f"{NOTICE_TEXT[notice.offset_days]}. Продлите её, чтобы работа не прерывалась.\n",
                label=f"notice-{record.id}", customer_id=row.customer_id)
            record.message_id = operation.message_id
        queued += 1
    return queued


class NoticeMail:
    """What the worker reports about a notice's e-mail."""

    async def step_succeeded(self, session: AsyncSession, operation: Any, result: dict[str, Any], now: datetime) -> None:
        record = await session.get(NoticeSent, operation.payload["notice_id"])
        if record is not None:
            record.sent_at = now

    async def step_failed(self, session: AsyncSession, operation: Any, error: str, rule: str | None, now: datetime) -> None:
        record = await session.get(NoticeSent, operation.payload["notice_id"])
        if record is not None:
            record.note = f"not sent: {error}"


async def renewals_due(session: AsyncSession, caller: Caller, today: date, within_days: int, preview: Any) -> list[RenewalDue]:
    """Mains ending within ``within_days`` and not yet renewed, with the renewal's preview price,
    so the operator can invoice the customer before the end."""
    if not 1 <= within_days <= 366:
        raise InvalidField("within_days", "between 1 and 366")
    due = []
    for row, customer in await _unrenewed_mains(session, caller, today, today + timedelta(days=within_days), today):
        due.append(RenewalDue(row.id, customer.id, customer.legal_name, row.provider, row.tariff, row.end,
                              await preview(row)))
    return due


class UpsellSignal(msgspec.Struct):
    subscription: str
    customer_id: str
    customer: str
    provider: str
    tariff: str
    extension: str
    extended_until: date | None
    suggestion: str
    rule: str


SUGGESTIONS = {
    "self_extension": ("the customer needed more sessions or bases: offer permanent add-ons", "FAM-SUB-06"),
    "promised_payment": ("access lapsed and was extended on a promise: renew now", "FAM-SUB-07"),
}


async def upsell(session: AsyncSession, caller: Caller) -> list[UpsellSignal]:
    """Customers whose self-extension or promised payment is a signal (FAM-SUB-06, FAM-SUB-07)."""
    rows = await session.execute(select(Subscription, Customer.legal_name).join(Customer, Customer.id == Subscription.customer_id)
                                 .where(Subscription.partner_id == caller.partner_id, Subscription.extension.is_not(None))
                                 .order_by(Subscription.extended_until, Subscription.id))
    return [UpsellSignal(row.id, row.customer_id, name, row.provider, row.tariff, row.extension, row.extended_until,
                         *SUGGESTIONS[row.extension]) for row, name in rows]
