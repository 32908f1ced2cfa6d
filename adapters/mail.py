"""E-mail channels: requests the manuals prescribe by mail (RULES §5), sent by SMTP with retries.

Each message carries a Message-ID fixed by the caller (the outbox operation), so a resend after
a crash is recognisably the same message, and replies can be matched by In-Reply-To.

Every value put into a composed e-mail is a single line, so a stored name with a line break
cannot add a line (a fake user, a second "Номер абонента") or a header:

- refused (``UnsafeMailValue``, a ``Rejected``: the operation fails, nothing is sent) where a
  machine reads the line: every field of the 1С:Медицина certificate request (MED-ONB-02; the
  desk takes users from the lines after the first "Пользователи:", even one inside a value, and
  fields from "Label: value" lines), where that marker is refused too, and ";" in the user fields
  it separates; and the recipient of any message;
- folded into one space (``one_line``) where people read free text: the Subject and the lines
  of requests to a provider's mailbox and of customer notices (hub/onboarding/mailbox.py).

"Line break" is what any reader may split on: ASCII control characters (\r, \n, \x00-\x1f,
\x7f), NEL (U+0085) and the Unicode line and paragraph separators (U+2028, U+2029).
"""
from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

import aiosmtplib

from providers import PROFILES

from .base import User
from .errors import Rejected, Transient
from .retry import DEFAULT_POLICY, RetryPolicy, with_retries

NEW_CUSTOMER = "Новый клиент"
USERS_MARKER = "Пользователи:"  # MED-ONB-02: the desk reads a user from every line after the first one
BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]+")


class UnsafeMailValue(Rejected):
    """A value that would break out of its line in a composed e-mail."""

    def __init__(self, field: str, reason: str = "contains a line break or a control character", *,
                 rule: str | None = None) -> None:
        super().__init__(f"{field} {reason}: the e-mail is not sent", provider="smtp", rule=rule)
        self.field = field


def one_line(value: object) -> str:
    """Free text for one line of an e-mail: line breaks and control characters folded into one space."""
    return BREAKS.sub(" ", "" if value is None else str(value)).strip()


def refuse_breaks(field: str, value: object, *, rule: str | None = None, forbidden: tuple[str, ...] = ()) -> str:
    """A structured value for one line of an e-mail, exactly as given, or ``UnsafeMailValue``
    (also when it holds one of the ``forbidden`` markers or separators of the reader's layout)."""
    text = "" if value is None else str(value)
    if BREAKS.search(text):
        raise UnsafeMailValue(field, rule=rule)
    for marker in forbidden:
        if marker in text:
            raise UnsafeMailValue(field, f"contains {marker!r}, which the reader takes for its layout", rule=rule)
    return text


def one_address(field: str, value: str) -> str:
    """A recipient: one address on one line."""
    refuse_breaks(field, value)
    if len([a for _, a in getaddresses([value]) if a]) != 1 or "," in value or ";" in value:
        raise UnsafeMailValue(field, "is not exactly one e-mail address")
    return value


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
    """MED-ONB-02. The desk parses this mail line by line, so every value is refused unless it is one line."""
    primary, *copies = PROFILES["medicine"].certificate_mailboxes
    whose = "партнера" if request.for_partner_staff else "клиента"

    def field(name: str, value: object, *separators: str) -> str:  # the desk reads users after the first marker
        return refuse_breaks(name, value, rule="MED-ONB-02", forbidden=(USERS_MARKER, *separators))

    partner_number = field("partner_number", request.partner_number)
    lines = [f"Партнер: {field('partner_name', request.partner_name)}", f"Номер абонента партнера: {partner_number}"]
    if not request.for_partner_staff:
        lines += [f"Клиент: {field('customer_name', request.customer_name)}",
                  f"Номер абонента клиента: {field('customer_number', request.customer_number) or NEW_CUSTOMER}"]
    lines.append(USERS_MARKER)
    lines += [f"{i}. {field(f'users[{i - 1}].name', u.name, ';')}; {field(f'users[{i - 1}].email', u.email, ';')}; "
              f"{field(f'users[{i - 1}].phone', u.phone or '', ';')}" for i, u in enumerate(request.users, 1)]
    message = EmailMessage()
    message["From"], message["To"] = sender, primary
    if copies:
        message["Cc"] = ", ".join(copies)
    message["Subject"] = f"Абонент №{partner_number}. Подключение к АФ пользователей {whose}"
    message["Message-ID"] = message_id
    message.set_content("\n".join(lines) + "\n")
    return message


def compose_mail(sender: str, to: str, subject: str, body: str, message_id: str) -> EmailMessage:
    """A message of the outbox (a request to a provider's mailbox, a customer notice): one recipient,
    the Subject folded to one line; the body is the service's own text, composed line by line."""
    message = EmailMessage()
    message["From"], message["To"] = sender, one_address("to", to)
    message["Subject"], message["Message-ID"] = one_line(subject), message_id
    message.set_content(body)
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
