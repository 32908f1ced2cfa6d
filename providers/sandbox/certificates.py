"""1С:Медицина's secure-channel desk: certificate requests by e-mail (MED-ONB-02), issued at the
10:00 Moscow working-day batch (MED-ONB-03), answered by e-mail to the sender.

Request format (the hub composes it; the manual fixes the fields, the layout is ours):

    To: af@1c.ru            Cc: medfresh@1c.ru
    Subject: Абонент №<partner subscriber number>. Подключение к АФ пользователей клиента|партнера

    Партнер: <partner name>
    Номер абонента партнера: <number>
    Клиент: <customer name>                       (client requests)
    Номер абонента клиента: <number>|Новый клиент  (client requests)
    Пользователи:
    1. <ФИО>; <e-mail>; <phone>
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from typing import Any

import aiosmtplib

from ..identifiers import certificate_issue_time
from ..profiles import PROFILES
from .clock import SandboxClock

SUBJECT = re.compile(r"^Абонент №(?P<partner>\d+)\. Подключение к АФ пользователей (?P<whose>клиента|партнера)$")
USER = re.compile(r"^\s*\d+\.\s*(?P<name>[^;]+);\s*(?P<email>[^;\s]+@[^;\s]+);\s*(?P<phone>[^;]+?)\s*$")
FIELDS = {
    "partner_name": "Партнер",
    "partner_number": "Номер абонента партнера",
    "customer_name": "Клиент",
    "customer_number": "Номер абонента клиента",
}
DESK_ADDRESS = PROFILES["medicine"].certificate_mailboxes[0]


@dataclass
class CertificateRequest:
    id: int
    sender: str
    message_id: str
    received_at: datetime
    whose: str
    partner_number: int
    customer_name: str | None
    customer_number: str | None
    users: list[dict[str, str]]
    issue_at: datetime
    notified: bool = False


@dataclass
class Reply:
    to: str
    subject: str
    body: str
    in_reply_to: str


@dataclass
class CertificateDesk:
    clock: SandboxClock
    reply_host: str | None = None  # the SMTP sink the desk answers through
    reply_port: int | None = None
    requests: list[CertificateRequest] = field(default_factory=list)
    rejections: list[Reply] = field(default_factory=list)
    other: list[dict[str, str]] = field(default_factory=list)  # mail for the provider's other mailboxes
    received: list[dict[str, str]] = field(default_factory=list)  # every message, as the demo's mail sink shows it
    sent: list[Reply] = field(default_factory=list)

    def is_issued(self, email: str, now: datetime) -> bool:
        email = email.lower()
        return any(r.issue_at <= now and any(u["email"].lower() == email for u in r.users) for r in self.requests)

    # --- the SMTP side (aiosmtpd handler) ---------------------------------------------------------------
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        message_id = str(message.get("Message-ID", ""))
        if not message_id or not any(m["message_id"] == message_id for m in self.received):
            text = message.get_body(preferencelist=("plain",))
            self.received.append({"to": ", ".join(envelope.rcpt_tos), "subject": str(message.get("Subject", "")),
                                  "message_id": message_id, "body": text.get_content() if text is not None else ""})
        if DESK_ADDRESS not in [r.lower() for r in envelope.rcpt_tos]:  # e.g. info@1cfresh.com: kept, not a request
            if not any(m["message_id"] == message_id for m in self.other):
                body = message.get_body(preferencelist=("plain",))
                self.other.append({"to": ", ".join(envelope.rcpt_tos), "subject": str(message.get("Subject", "")),
                                   "message_id": message_id, "body": body.get_content() if body is not None else ""})
            return "250 Message accepted for delivery"
        if message_id and any(r.message_id == message_id for r in self.requests):
            return "250 Already received"  # the same message sent again (a retry): one request
        sender = envelope.mail_from
        problems, request = self.read(message, sender)
        if problems:
            reply = Reply(sender, f"Заявка отклонена: {message.get('Subject', '')}",
                          "Заявка на подключение к АФ не принята. Не хватает или неверно:\n- " + "\n- ".join(problems),
                          message.get("Message-ID", ""))
            self.rejections.append(reply)
            await self.send(reply)
            return "250 Message accepted for delivery"
        assert request is not None
        self.requests.append(request)
        await self.send(Reply(sender, f"Заявка принята: {message.get('Subject', '')}",
                              f"Сертификаты будут выпущены {request.issue_at.isoformat()} (пакет 10:00 МСК).",
                              request.message_id))
        return "250 Message accepted for delivery"

    def read(self, message: EmailMessage, sender: str) -> tuple[list[str], CertificateRequest | None]:
        """What is wrong with a request (MED-ONB-02), or the request."""
        problems = []
        to = {a.lower() for _, a in getaddresses(message.get_all("To", []))}
        cc = {a.lower() for _, a in getaddresses(message.get_all("Cc", []))}
        primary, *copies = PROFILES["medicine"].certificate_mailboxes
        if primary not in to:
            problems.append(f"получатель {primary}")
        for copy in copies:
            if copy not in cc | to:
                problems.append(f"копия {copy}")
        subject = SUBJECT.match(str(message.get("Subject", "")).strip())
        if subject is None:
            problems.append("тема «Абонент №<номер>. Подключение к АФ пользователей клиента|партнера»")
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        values = {key: _field(text, label) for key, label in FIELDS.items()}
        needed = ["partner_name", "partner_number"]
        if subject is None or subject["whose"] == "клиента":
            needed += ["customer_name", "customer_number"]
        problems += [FIELDS[k] for k in needed if not values[k]]
        if values["partner_number"] and subject and values["partner_number"] != subject["partner"]:
            problems.append("номер абонента партнера в теме и в тексте не совпадают")
        number = values["customer_number"]
        if number and not (number.isdigit() or number == "Новый клиент"):
            problems.append("номер абонента клиента: число или «Новый клиент»")
        users = [m.groupdict() for m in map(USER.match, _after(text, "Пользователи:")) if m]
        if not users:
            problems.append("пользователи: «N. ФИО; e-mail; телефон» на строку")
        if problems:
            return problems, None
        assert subject is not None
        received = self.clock.now()
        return [], CertificateRequest(
            len(self.requests) + 1, sender, str(message.get("Message-ID", "")), received, subject["whose"],
            int(subject["partner"]), values["customer_name"], number, users, certificate_issue_time(received))

    # --- answers ----------------------------------------------------------------------------------------
    async def send(self, reply: Reply) -> None:
        self.sent.append(reply)
        if self.reply_host is None or self.reply_port is None:
            return
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = DESK_ADDRESS, reply.to, reply.subject
        message["Message-ID"] = make_msgid(domain="cert.sandbox")
        if reply.in_reply_to:
            message["In-Reply-To"] = reply.in_reply_to
        message.set_content(reply.body)
        await aiosmtplib.send(message, hostname=self.reply_host, port=self.reply_port, timeout=10)

    async def issue_due(self) -> list[CertificateRequest]:
        """Tell every sender whose batch has run that the certificates are issued."""
        now = self.clock.now()
        done = []
        for request in self.requests:
            if not request.notified and request.issue_at <= now:
                request.notified = True
                users = "\n".join(f"- {u['name']} <{u['email']}>" for u in request.users)
                await self.send(Reply(request.sender, f"Сертификаты выпущены: абонент №{request.partner_number}",
                                      f"Сертификаты Континент-АП выпущены {request.issue_at.isoformat()}:\n{users}",
                                      request.message_id))
                done.append(request)
        return done


def _field(text: str, label: str) -> str | None:
    match = re.search(rf"^\s*{re.escape(label)}:\s*(.+?)\s*$", text, re.MULTILINE)
    return match.group(1) if match else None


def _after(text: str, marker: str) -> list[str]:
    _, found, rest = text.partition(marker)
    return rest.splitlines() if found else []
