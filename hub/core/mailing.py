"""The outbox's e-mail step: a request to a provider's mailbox (RULES §5) or a customer notice.

Whose e-mail it is says ``payload["about"]``; that feature's recorder records it (``ByAbout``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from adapters import MailChannel
from adapters.mail import compose_mail
from hub.core.db import Operation
from hub.core.event_subjects import emit_for
from hub.core.mailbox import MAIL  # the operation kind of every outbox e-mail
from hub.core.steps import OK, REJECTED, MailSent, Outcome, Recorder

__all__ = ["MAIL", "ByAbout", "MailStep"]


class MailStep:
    def __init__(self, channel: MailChannel | None, sender: str) -> None:
        self.channel, self.sender = channel, sender

    async def run(self, operation: Operation) -> Outcome:
        if self.channel is None:
            return Outcome(REJECTED, error="no SMTP relay is configured for e-mail channels")
        message = compose_mail(self.sender, operation.payload["to"], operation.payload["subject"],
                               operation.payload["body"], operation.message_id or "")  # one line per value
        return Outcome(OK, MailSent(await self.channel.send(message)))


class ByAbout:
    """Hands an e-mail's outcome to the recorder of what it is about; ``evented`` abouts also get a
    ``mail_sent`` event of their own (an enrollment's and a notice's recorders report their e-mails)."""

    def __init__(self, recorders: dict[str, Recorder], evented: tuple[str, ...] = ()) -> None:
        self.recorders, self.evented = recorders, evented

    async def step_succeeded(self, session: AsyncSession, operation: Operation, result: Any, now: datetime) -> None:
        about = operation.payload["about"]
        await self.recorders[about].step_succeeded(session, operation, result, now)
        if about in self.evented:
            emit_for(session, operation.partner_id, "mail_sent", customer_id=operation.customer_id, about=about,
                     **{f"{about}_id": operation.payload.get(f"{about}_id")}, to=operation.payload.get("to"),
                     subject=operation.payload.get("subject"), message_id=result.message_id)

    async def step_failed(self, session: AsyncSession, operation: Operation, error: str, rule: str | None,
                          now: datetime) -> None:
        await self.recorders[operation.payload["about"]].step_failed(session, operation, error, rule, now)
