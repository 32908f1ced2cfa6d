"""Letters: the e-mail requests the manuals prescribe (providers/letters.py), filled from the partner and the
customer's card, checked before sending (a 422 naming what is missing), sent through the outbox and
tracked — queued, sent, failed, answered, overdue (an answer expected in working days, e.g. RA-ONB-10's
2–3). And every e-mail of the outbox listed with its state (GET /api/v1/mail)."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.mail import one_line
from pricing.calendar import next_working_day
from pricing.fields import NO_CONTROL
from providers import PROFILES
from providers.letters import LETTERS, LetterKind

from hub.core import audit, mailbox, outbox
from hub.core.caller import Caller
from hub.core.clock import Clock
from hub.core.db.models import Operation, Partner, Subscription
from hub.core.exceptions import Conflict, InvalidField, NotFound
from hub.core.paging import check_window
from hub.core.tenancy import owned_row
from hub.customers.service import owned
from hub.letters.models import Letter
from hub.letters.schemas import FieldOut, LetterAnswer, LetterCreate, LetterKindOut, LetterOut, MailOut

ABOUT = "letter"
STATES = ("queued", "sent", "failed", "answered", "overdue")
ONE_LINE = re.compile(NO_CONTROL)


def kinds() -> list[LetterKindOut]:
    return [LetterKindOut(k.kind, k.title, k.provider, k.to, k.subject, k.rule,
                          [FieldOut(f.name, f.label, f.required, f.source) for f in k.fields], list(k.attachments),
                          k.answer_days, k.needs_paying) for k in LETTERS.values()]


def working_days_after(day: date, days: int) -> date:
    for _ in range(days):
        day = next_working_day(day)
    return day


def _from_card(source: str, partner: Partner, customer: Any, kind: LetterKind) -> str | None:
    standing = (partner.standing or {}).get(kind.code_provider, {})
    account_field = PROFILES[kind.provider].account_field if kind.provider in PROFILES else None
    card = {
        "partner.name": lambda: partner.name,
        "partner.code": lambda: standing.get("partner_code"),
        "customer.legal_name": lambda: customer and customer.legal_name,
        "customer.inn": lambda: customer and (customer.inn or customer.bin_iin),
        "customer.inn_kpp": lambda: customer and customer.inn and "/".join(v for v in (customer.inn, customer.kpp) if v),
        "customer.account": lambda: customer and account_field and (customer.accounts or {}).get(account_field),
    }
    value = card[source]()
    return str(value) if value else None


def _state(letter: Letter | None, operation: Operation, today: date) -> str:
    if letter is not None and letter.answered_at is not None:
        return "answered"
    if operation.status == outbox.FAILED:
        return "failed"
    if operation.status != outbox.SUCCEEDED:
        return "queued"
    if letter is not None and letter.answer_by is not None and today > letter.answer_by:
        return "overdue"
    return "sent"


class Letters:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def send(self, session: AsyncSession, caller: Caller, data: LetterCreate) -> LetterOut:
        kind = LETTERS.get(data.kind)
        if kind is None:
            raise InvalidField("kind", f"no letter kind {data.kind!r}; known: {', '.join(LETTERS)}")
        names = {f.name for f in kind.fields}
        unknown = sorted(set(data.fields) - names)
        if unknown:
            raise InvalidField(f"fields.{unknown[0]}", f"the {kind.kind} letter has no field {unknown[0]!r}; its fields: "
                               f"{', '.join(f.name for f in kind.fields)}")
        for name, value in data.fields.items():
            if not ONE_LINE.match(value):
                raise InvalidField(f"fields.{name}", "one line: no line breaks, tabs or other control characters")
        customer = await owned(session, caller, data.customer_id) if data.customer_id else None
        partner = await session.get(Partner, caller.partner_id)
        if partner is None:
            raise NotFound(f"no partner {caller.partner_id}")
        values: dict[str, str] = {}
        for f in kind.fields:
            given = data.fields.get(f.name, "").strip()
            value = given or (_from_card(f.source, partner, customer, kind) if f.source else None)
            if value:
                values[f.name] = value
        missing = [f for f in kind.fields if f.required and f.name not in values]
        if missing:
            raise InvalidField(f"fields.{missing[0].name}", "the letter must contain: " + "; ".join(
                f"{f.label} ({f.name}{', from ' + f.source if f.source else ''})" for f in missing), rule=_rule_id(kind))
        if kind.attachments and not data.attachments:
            raise InvalidField("attachments", f"attach {', '.join(kind.attachments)} and name the files", rule=_rule_id(kind))
        if kind.needs_paying:
            await _check_paying(session, caller, kind, customer)
        now = self.clock.now().astimezone(timezone.utc)
        subject = one_line(kind.subject.format(title=kind.title, **{**{f.name: "—" for f in kind.fields}, **values}))
        body = _body(kind, values, data.attachments)
        letter = Letter(partner_id=caller.partner_id, customer_id=customer.id if customer else None, kind=kind.kind,
                        provider=kind.provider, to=kind.to, subject=subject, rule=kind.rule, fields=values,
                        attachments=list(data.attachments), created_at=now,
                        answer_by=working_days_after(self.clock.today(), kind.answer_days) if kind.answer_days else None)
        session.add(letter)
        await session.flush()
        operation = mailbox.send(session, partner_id=caller.partner_id, provider=kind.provider, about=ABOUT,
                                 about_id=letter.id, to=kind.to, subject=subject, body=body, label=f"letter-{letter.id}",
                                 customer_id=letter.customer_id)
        await session.flush()
        letter.operation_id = operation.id
        view = _out(letter, operation, self.clock.today(), body)
        audit.record(session, caller, "letter", letter.id, "send", after=view)
        return view

    async def read(self, session: AsyncSession, caller: Caller, letter_id: str) -> LetterOut:
        letter = await owned_row(session, Letter, caller, letter_id, "letter")
        operation = await session.get(Operation, letter.operation_id) if letter.operation_id else None
        return _out(letter, operation, self.clock.today(), (operation.payload or {}).get("body", "") if operation else "")

    async def answered(self, session: AsyncSession, caller: Caller, letter_id: str, data: LetterAnswer) -> LetterOut:
        letter = await owned_row(session, Letter, caller, letter_id, "letter", for_update=True)
        if letter.answered_at is not None:
            raise Conflict(f"the answer to this letter was recorded already ({letter.answered_at.isoformat()})",
                           field="answer")
        letter.answered_at, letter.answer = self.clock.now().astimezone(timezone.utc), data.answer.strip()
        view = await self.read(session, caller, letter_id)
        audit.record(session, caller, "letter", letter.id, "answered", after=view)
        return view

    async def mail(self, session: AsyncSession, caller: Caller, *, state: str | None, about: str | None,
                   customer_id: str | None, limit: int, offset: int) -> tuple[list[MailOut], int]:
        if state is not None and state not in STATES:
            raise InvalidField("state", f"one of {', '.join(STATES)}")
        check_window(limit, offset)
        today = self.clock.today()
        where = [Operation.partner_id == caller.partner_id, Operation.kind == mailbox.MAIL]
        if about is not None:
            where.append(Operation.payload["about"].as_string() == about)
        if customer_id is not None:
            where.append(Operation.customer_id == customer_id)
        if state is not None:
            where.append(_state_is(state, today))
        joined = select(Operation, Letter).outerjoin(Letter, Letter.operation_id == Operation.id).where(*where)
        total = await session.scalar(select(func.count()).select_from(joined.subquery()))
        rows = (await session.execute(joined.order_by(Operation.id.desc()).limit(limit).offset(offset))).all()
        return [_mail_out(operation, letter, today) for operation, letter in rows], total or 0


def _state_is(state: str, today: date) -> Any:
    unanswered = Letter.answered_at.is_(None)
    succeeded = and_(Operation.status == outbox.SUCCEEDED, unanswered)
    late = and_(Letter.answer_by.is_not(None), Letter.answer_by < today)
    return {"answered": Letter.answered_at.is_not(None),
            "failed": and_(Operation.status == outbox.FAILED, unanswered),
            "queued": and_(Operation.status.in_((outbox.PENDING, outbox.RUNNING)), unanswered),
            "sent": and_(succeeded, or_(Letter.id.is_(None), ~late)),
            "overdue": and_(succeeded, late)}[state]


async def _check_paying(session: AsyncSession, caller: Caller, kind: LetterKind, customer: Any) -> None:
    if customer is None:
        raise InvalidField("customer_id", "name the customer", rule=kind.rule)
    paying = await session.scalar(select(func.count()).select_from(Subscription).where(
        Subscription.partner_id == caller.partner_id, Subscription.customer_id == customer.id,
        Subscription.provider == kind.provider, Subscription.status == "active"))
    if not paying:
        raise InvalidField("customer_id", f"only for a customer who pays already («Активен платный»): "
                           f"{customer.legal_name} has no active paid subscription at {PROFILES[kind.provider].title}",
                           rule=kind.rule)


def _rule_id(kind: LetterKind) -> str | None:
    return kind.rule if "-" in kind.rule and " " not in kind.rule else None


def _body(kind: LetterKind, values: dict[str, str], attachments: list[str]) -> str:
    lines = [f"{f.label}: {one_line(values.get(f.name, '—'))}" for f in kind.fields]
    if attachments:
        lines.append("Вложения: " + "; ".join(one_line(a) for a in attachments))
    return "\n".join(lines) + "\n"


def _out(letter: Letter, operation: Operation | None, today: date, body: str) -> LetterOut:
    state = _state(letter, operation, today) if operation is not None else "queued"
    return LetterOut(letter.id, letter.kind, letter.provider, letter.to, letter.subject, letter.rule, letter.customer_id,
                     dict(letter.fields or {}), list(letter.attachments or []), body, letter.operation_id, state,
                     letter.answer_by, letter.sent_at, letter.answered_at, letter.answer, letter.created_at)


def _mail_out(operation: Operation, letter: Letter | None, today: date) -> MailOut:
    payload = operation.payload or {}
    sent_at = (letter.sent_at if letter is not None else None) or (
        operation.updated_at if operation.status == outbox.SUCCEEDED else None)
    return MailOut(operation.id, str(payload.get("about", "")), operation.provider, str(payload.get("to", "")),
                   str(payload.get("subject", "")), _state(letter, operation, today), operation.customer_id,
                   operation.created_at, sent_at, operation.last_error,
                   letter.id if letter else None, letter.kind if letter else None, letter.rule if letter else None,
                   letter.answer_by if letter else None, letter.answered_at if letter else None,
                   letter.answer if letter else None)


class LetterMail:
    """What the worker reports about a letter's e-mail."""

    async def step_succeeded(self, session: AsyncSession, operation: Operation, result: Any, now: datetime) -> None:
        letter = await session.get(Letter, operation.payload[f"{ABOUT}_id"])
        if letter is not None:
            letter.sent_at = now

    async def step_failed(self, session: AsyncSession, operation: Operation, error: str, rule: str | None,
                          now: datetime) -> None:
        letter = await session.get(Letter, operation.payload[f"{ABOUT}_id"])
        if letter is not None:
            letter.failure = error
