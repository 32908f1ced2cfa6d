"""E-mail through the outbox: requests to a provider's mailbox (RULES §5) and notices to customers.

Every message is one `mail` operation; its payload says what it is about ("transfer",
"subscription", "enrollment", "notice") so the worker tells the right service how it went.

Provider mailboxes and customers are people reading free text, so every value here is folded
into one line (adapters.mail.one_line): the Subject, the header lines (partner, code, subscriber)
and each of the caller's ``lines``. A line break in a stored name cannot add a line of its own;
the recipient is refused unless it is one address (the worker composes with adapters.mail.compose_mail).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.mail import one_line
from providers import PROFILES

from hub.core.caller import Caller
from hub.core.db.models import Operation, Partner
from hub.core import outbox
from hub.core.exceptions import NotFound

MAIL = "mail"
MAIL_DOMAIN = "hub.local"


def message_id(label: str) -> str:
    return f"<{label}@{MAIL_DOMAIN}>"


def partner_code(partner: Partner, provider: str) -> str:
    return (partner.standing or {}).get(provider, {}).get("partner_code") or "—"


def send(session: AsyncSession, *, partner_id: str, provider: str, about: str, about_id: Any, to: str, subject: str,
         body: str, label: str, customer_id: str | None = None, enrollment_id: str | None = None) -> Operation:
    return outbox.enqueue(session, partner_id=partner_id, provider=provider, kind=MAIL, customer_id=customer_id,
                          enrollment_id=enrollment_id, message_id=message_id(label),
                          payload={"about": about, f"{about}_id": about_id, "to": to, "subject": one_line(subject),
                                   "body": body})


async def ask_provider(session: AsyncSession, caller: Caller, provider: str, *, about: str, about_id: Any,
                       subscriber: Any, subject: str, lines: list[str], label: str, customer_id: str | None = None,
                       enrollment_id: str | None = None, to: str | None = None) -> Operation:
    """RULES §5: a request to the provider's mailbox (or ``to``, another of its mailboxes), naming the
    partner, its code and the subscriber."""
    partner = await session.get(Partner, caller.partner_id)
    if partner is None:
        raise NotFound(f"no partner {caller.partner_id}")
    header = [f"Партнер: {one_line(partner.name)}", f"Код партнера: {one_line(partner_code(partner, provider))}",
              f"Номер абонента: {one_line(subscriber) or '—'}"]
    body = "\n".join(header + [one_line(line) for line in lines]) + "\n"  # each entry of ``lines`` is one line
    return send(session, partner_id=caller.partner_id, provider=provider, about=about, about_id=about_id,
                to=to or PROFILES[provider].mailbox, subject=subject, body=body, label=label,
                customer_id=customer_id, enrollment_id=enrollment_id)
