"""`hub db`, `hub partner` and `hub key`: the administrator's commands on the database."""
from __future__ import annotations

import argparse
import asyncio
import sys

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from hub.cli.common import emit, settings_from, table, with_database
from hub.composition import clock_for
from hub.core.caller import Caller
from hub.core.db import Database
from hub.partners import service as partners


def db_upgrade(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    async def upgrade() -> None:
        db = Database(settings.database)
        try:
            await db.upgrade()
        finally:
            await db.dispose()

    asyncio.run(upgrade())
    print(f"schema up to date: {settings.database}")
    return 0


def partner_create(args: argparse.Namespace) -> int:
    partner = with_database(settings_from(args), lambda s: partners.create_partner(s, args.name))
    print(f"partner {partner.name!r} created; its id:")
    print(partner.id)
    return 0


def partner_list(args: argparse.Namespace) -> int:
    table(with_database(settings_from(args), partners.list_partners), ("id", "name", "created_at", "live_keys"), args.json)
    return 0


def partner_credentials(args: argparse.Namespace) -> int:
    """Set (or with --clear forget) a partner's own provider account; a secret given as '-' is read from stdin."""
    from hub.core.exceptions import InvalidField
    from hub.core.problems import split_validation
    from hub.partners.credentials_schemas import CredentialsIn
    from hub.partners import credentials
    from hub.partners.credentials import Vault

    settings = settings_from(args)
    caller = Caller(args.partner_id, None, "admin")

    def secret(value: str | None) -> str | None:
        return sys.stdin.readline().rstrip("\r\n") if value == "-" else value

    async def work(session: AsyncSession):
        await partners.get_partner(session, args.partner_id)
        if args.clear:
            await credentials.remove(session, caller, args.provider)
            return await credentials.read(session, caller, args.provider)
        try:
            data = msgspec.convert({"login": args.login, "password": secret(args.password), "account": args.account,
                                    "token": secret(args.token), "partner_code": args.partner_code}, CredentialsIn)
        except msgspec.ValidationError as exc:
            field, message = split_validation(exc)
            raise InvalidField(field, message) from None
        return await credentials.store(session, caller, Vault.from_settings(settings), args.provider, data,
                                       clock_for(settings).now())

    emit(with_database(settings, work))
    return 0


def key_create(args: argparse.Namespace) -> int:
    key, plain = with_database(settings_from(args), lambda s: partners.create_key(s, args.partner_id, args.role))
    print(f"API key {key.id} ({key.role}) for partner {key.partner_id}; it is shown once, keep it:")
    print(plain)
    return 0


def key_list(args: argparse.Namespace) -> int:
    keys = with_database(settings_from(args), lambda s: partners.list_keys(s, args.partner_id))
    table(keys, ("id", "partner_id", "prefix", "role", "created_at", "revoked_at"), args.json)
    return 0


def key_revoke(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    key = with_database(settings, lambda s: partners.revoke_key(s, args.key_id, clock_for(settings).now()))
    print(f"API key {key.id} revoked at {key.revoked_at.isoformat() if key.revoked_at else '?'}")
    return 0


def credentials_help() -> str:
    """Which providers take which credentials, by their interface (hub/partners/credentials.py)."""
    from hub.partners.credentials import FIELDS

    by_interface: dict[str, list[str]] = {}
    for name, profile in PROFILES.items():
        by_interface.setdefault(profile.interface, []).append(name)
    return " or ".join(f"{', '.join(names)} ({', '.join(FIELDS[interface]).replace('_', ' ')})"
                       for interface, names in by_interface.items())
