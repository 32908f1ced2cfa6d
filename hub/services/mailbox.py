"""E-mail through the outbox: requests to a provider's mailbox (RULES §5) and notices to customers.

Every message is one `mail` operation; its payload says what it is about ("transfer",
"subscription", "enrollment", "notice") so the worker tells the right service how it went.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from ..caller import Caller
from ..db.models import Operation, Partner
from . import outbox
from .partners import get_partner

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
                          payload={"about": about, f"{about}_id": about_id, "to": to, "subject": subject, "body": body})


async def ask_provider(session: AsyncSession, caller: Caller, provider: str, *, about: str, about_id: Any,
                       subscriber: Any, subject: str, lines: list[str], label: str, customer_id: str | None = None,
                       enrollment_id: str | None = None) -> Operation:
    """RULES §5: a request to the provider's mailbox, naming the partner, its code and the subscriber."""
    partner = await get_partner(session, caller.partner_id)
    header = [f"Партнер: {partner.name}", f"Код партнера: {partner_code(partner, provider)}",
              f"Номер абонента: {subscriber or '—'}"]
    return send(session, partner_id=caller.partner_id, provider=provider, about=about, about_id=about_id,
                to=PROFILES[provider].mailbox, subject=subject, body="\n".join(header + lines) + "\n", label=label,
                customer_id=customer_id, enrollment_id=enrollment_id)
