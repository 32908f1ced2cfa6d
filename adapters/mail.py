"""E-mail channels: requests the manuals prescribe by mail (RULES §5), sent by SMTP with retries.

Each message carries a Message-ID fixed by the caller (the outbox operation), so a resend after
a crash is recognisably the same message, and replies can be matched by In-Reply-To.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from providers import PROFILES

from .base import User
from .errors import Rejected, Transient
from .retry import DEFAULT_POLICY, RetryPolicy, with_retries

NEW_CUSTOMER = "Новый клиент"


@dataclass(frozen=True)
class CertificateRequest:
    """MED-ONB-02: the secure-channel certificates for a batch of users."""

    partner_name: str
    partner_number: int
    customer_name: str | None
    customer_number: str | None  # None: the customer has no subscriber yet
    users: tuple[User, ...]
    for_partner_staff: bool = False


def compose_certificate_request(request: CertificateRequest, sender: str, message_id: str) -> EmailMessage:
    primary, *copies = PROFILES["medicine"].certificate_mailboxes
    whose = "партнера" if request.for_partner_staff else "клиента"
    lines = [f"Партнер: {request.partner_name}", f"Номер абонента партнера: {request.partner_number}"]
    if not request.for_partner_staff:
        lines += [f"Клиент: {request.customer_name}", f"Номер абонента клиента: {request.customer_number or NEW_CUSTOMER}"]
    lines.append("Пользователи:")
    lines += [f"{i}. {u.name}; {u.email}; {u.phone or ''}" for i, u in enumerate(request.users, 1)]
    message = EmailMessage()
    message["From"], message["To"] = sender, primary
    if copies:
        message["Cc"] = ", ".join(copies)
    message["Subject"] = f"Абонент №{request.partner_number}. Подключение к АФ пользователей {whose}"
    message["Message-ID"] = message_id
    message.set_content("\n".join(lines) + "\n")
    return message


class MailChannel:
    def __init__(self, host: str, port: int, sender: str, *, policy: RetryPolicy = DEFAULT_POLICY, timeout: float = 10.0,
                 sleep: Callable[[float], Awaitable[None]] | None = None) -> None:
        self.host, self.port, self.sender, self.policy, self.timeout, self.sleep = host, port, sender, policy, timeout, sleep

    async def send(self, message: EmailMessage) -> str:
        async def attempt() -> str:
            try:
                await aiosmtplib.send(message, hostname=self.host, port=self.port, timeout=self.timeout)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                raise Rejected(f"recipients refused: {exc}", provider="smtp") from exc
            except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as exc:
                raise Transient(f"smtp: {type(exc).__name__}: {exc}", provider="smtp") from exc
            return str(message["Message-ID"])

        return await with_retries(attempt, self.policy, self.sleep)
