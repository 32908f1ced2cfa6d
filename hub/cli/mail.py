"""`hub mail`: the letters the manuals prescribe (kinds, send) and every e-mail the hub sent (list). A sent
letter is queued in the outbox like the API's: the running hub's worker sends it."""
from __future__ import annotations

import argparse
import sys
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cli.common import EXIT_BAD_INPUT, emit, settings_from, table, with_database
from hub.core.caller import Caller
from hub.core.exceptions import REFUSALS, InvalidField
from hub.core.input_guard import decode_body
from hub.core.problems import from_error
from hub.letters import LetterCreate, kinds


def mail_kinds(args: argparse.Namespace) -> int:
    found = kinds()
    if args.json:
        emit(found)
        return 0
    for kind in found:
        fields = ", ".join(f"{f.name}{'' if f.required else '?'}{'←' + f.filled_from if f.filled_from else ''}"
                           for f in kind.fields)
        print(f"{kind.kind:24} {kind.to:20} {kind.rule[:40]:40} {fields}")
    return 0


def _caller(args: argparse.Namespace, role: str):  # type: ignore[no-untyped-def]
    from hub.cli.reconcile import _only_partner

    async def of(session: AsyncSession) -> Caller:
        return Caller(args.partner or await _only_partner(session), None, role)
    return of


def mail_send(args: argparse.Namespace) -> int:
    from hub.composition import compose

    try:
        pairs = [item.split("=", 1) for item in args.field]
        if any(len(pair) != 2 for pair in pairs):
            raise InvalidField("field", "give each field as NAME=VALUE")
        body = {"kind": args.kind, "customer_id": args.customer, "fields": dict(pairs), "attachments": args.attach}
        data = decode_body(msgspec.json.encode(body), LetterCreate)
        settings = settings_from(args)
        letters = compose(settings).letters

        async def send(session: AsyncSession) -> Any:
            return await letters.send(session, await _caller(args, "operator")(session), data)

        emit(with_database(settings, send))
    except REFUSALS as exc:
        emit(from_error(exc), sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def mail_list(args: argparse.Namespace) -> int:
    from hub.composition import compose

    settings = settings_from(args)
    letters = compose(settings).letters

    async def listing(session: AsyncSession) -> Any:
        caller = await _caller(args, "viewer")(session)
        return await letters.mail(session, caller, state=args.state, about=args.about, customer_id=args.customer,
                                  limit=args.limit, offset=0)

    try:
        items, _ = with_database(settings, listing)
    except REFUSALS as exc:
        emit(from_error(exc), sys.stderr)
        return EXIT_BAD_INPUT
    table(items, ("id", "state", "about", "to", "subject", "sent_at", "answer_by"), args.json)
    return 0


def add_commands(commands: Any) -> None:
    mail = commands.add_parser("mail", help="e-mail: the prescribed letters and every e-mail sent (issue 14)") \
        .add_subparsers(dest="mail_command", required=True)
    listed = mail.add_parser("kinds", help="the letters the manuals prescribe: recipient, rule, fields (← filled from)")
    listed.add_argument("--json", action="store_true")
    listed.set_defaults(run=mail_kinds)
    send = mail.add_parser("send", help="check and queue a letter (the running hub's worker sends it)")
    send.add_argument("kind")
    send.add_argument("--customer", help="the customer's id: its card fills the customer's fields")
    send.add_argument("--field", action="append", default=[], metavar="NAME=VALUE", help="a field's value (repeat)")
    send.add_argument("--attach", action="append", default=[], metavar="NAME", help="a file attached by hand (repeat)")
    send.add_argument("--partner", help="the partner's id (default: the only partner of the database)")
    send.set_defaults(run=mail_send)
    every = mail.add_parser("list", help="every e-mail the hub sent or queued, newest first")
    every.add_argument("--state", choices=("queued", "sent", "failed", "answered", "overdue"))
    every.add_argument("--about", help="letter, enrollment, subscription, transfer, notice, payout")
    every.add_argument("--customer")
    every.add_argument("--partner", help="the partner's id (default: the only partner of the database)")
    every.add_argument("--limit", type=int, default=50)
    every.add_argument("--json", action="store_true")
    every.set_defaults(run=mail_list)
