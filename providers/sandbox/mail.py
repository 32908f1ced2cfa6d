"""An SMTP sink with a web inbox: where the sandboxes' e-mail answers land in demos and tests."""
from __future__ import annotations

import socket
from dataclasses import asdict, dataclass, field
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller
from litestar import Litestar, get
from litestar.params import FromQuery

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass
class Mail:
    mail_from: str
    rcpt_to: list[str]
    subject: str
    message_id: str
    in_reply_to: str
    body: str


@dataclass
class MailSink:
    messages: list[Mail] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        self.messages.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), str(message.get("Subject", "")),
                                  str(message.get("Message-ID", "")), str(message.get("In-Reply-To", "")),
                                  body.get_content() if body is not None else ""))
        return "250 OK"

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.messages if address in m.rcpt_to]

    def inbox(self) -> Litestar:
        @get("/messages", sync_to_thread=False)
        def messages(to: FromQuery[str | None] = None) -> list[dict[str, Any]]:
            return [asdict(m) for m in self.messages if to is None or to in m.rcpt_to]

        return Litestar([messages], debug=False)


def smtp_server(handler: Any, host: str = LOOPBACK, port: int | None = None) -> Controller:
    """A started aiosmtpd server on loopback (its own thread and loop)."""
    controller = Controller(handler, hostname=host, port=port or free_port(host))
    controller.start()
    return controller
