"""The ``hub`` command.

    hub up [--host H] [--port P] [--keep] [--free-ports]
                                     the provider sandboxes and the API together (what `make run` does),
                                     from a clean demo state (--keep: on the database as it is), with
                                     a demo partner whose standing the sandboxes share; prints its key once
    hub serve [--host H] [--port P] [--catalog-dir DIR]
    hub sandboxes [--host H]         the provider sandboxes on loopback ports; prints their addresses
    hub worker                       the outbox worker alone (beside `hub serve` with HUB_WORKER=0)
    hub report weekly PARTNER_ID [--week 2026-W48] [--format json|csv|xlsx] [--output FILE]
    hub quote FILE|- [--partner ID]  a quote request (JSON) → the response of POST /api/v1/quotes
    hub price FILE|- [--partner ID]  a subscription price request → POST /api/v1/prices/subscription
    hub catalog PROVIDER             the loaded catalog, as GET /api/v1/catalog/{provider}
    hub db upgrade                   bring the database's schema up to date
    hub partner create NAME          a new partner; its id on the last line
    hub partner list [--json]        every partner: id, name, created, live keys
    hub partner credentials PARTNER_ID PROVIDER (--login L --password P|- --account N | --token T|- --partner-code C | --clear)
                                     the partner's own account at a provider (secrets stored encrypted, never shown)
    hub key create PARTNER_ID --role operator|viewer|admin   a new API key, alone on the last line, shown once
    hub key list [PARTNER_ID] [--json]   id, partner, prefix, role, created, revoked (never the secret)
    hub key revoke KEY_ID

The database is HUB_DATABASE_URL (default: the SQLite file in HUB_DATA_DIR,
./var); every command that uses it first brings its schema up to date.
Bad input prints the API's problem-details JSON on stderr and exits 2.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import CatalogError, PricingError, QuoteRequest, SubscriptionPriceRequest

from hub.core.caller import ROLES, Caller
from hub.core.clock import SystemClock
from hub.core.db import Database
from hub.core.input_guard import decode_body
from hub.core.problems import from_error, problem
from hub.partners import service as partners
from hub.core.settings import Settings

EXIT_BAD_INPUT = 2


def _read(source: str) -> bytes:
    return sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()


def _emit(value: Any, stream=None) -> None:
    stream = stream or sys.stdout
    stream.write(msgspec.json.format(msgspec.json.encode(value), indent=2).decode() + "\n")


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    if getattr(args, "catalog_dir", None):
        settings = replace(settings, catalog_dir=Path(args.catalog_dir))
    if getattr(args, "host", None):
        settings = replace(settings, host=args.host)
    if getattr(args, "port", None):
        settings = replace(settings, port=args.port)
    return settings


def _serve(args: argparse.Namespace) -> int:
    return _run_api(_settings(args))


def _run_api(settings: Settings) -> int:
    import uvicorn

    from hub.app import create_app

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


def _start_sandboxes(args: argparse.Namespace, **options: Any):
    from pricing import load_catalogs
    from providers.sandbox import DEFAULT_PORTS, start_sandboxes

    ports = None if getattr(args, "free_ports", False) else DEFAULT_PORTS
    sandboxes = start_sandboxes(args.sandbox_host, ports, load_catalogs(_settings(args).catalog_dir), **options)
    for name, address in sandboxes.addresses().items():
        print(f"{name:16} {address}", flush=True)
    return sandboxes


def _sandboxes(args: argparse.Namespace) -> int:
    import time

    sandboxes = _start_sandboxes(args)
    print("sandboxes running; Ctrl-C stops them", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        sandboxes.stop()


def _busy_ports(host: str, ports: list[int]) -> list[int]:
    import socket

    busy = []
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                busy.append(port)
    return busy


def _set_aside(database: Path) -> Path | None:
    """Move the embedded database (and its WAL files) to ``<name>.previous``; None when there was none."""
    previous = database.with_name(database.name + ".previous")
    if not database.exists():
        return None
    for suffix in ("", "-wal", "-shm"):
        Path(f"{previous}{suffix}").unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{database}{suffix}").exists():
            Path(f"{database}{suffix}").rename(f"{previous}{suffix}")
    return previous


def _summary(standing: dict[str, Any]) -> list[str]:
    """One line per provider: the standing's fields that are set."""
    lines = []
    for provider, values in standing.items():
        shown = [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in values.items() if v not in (None, False, [])]
        lines.append(f"{provider:9} {' '.join(shown) or '(nothing set)'}")
    return lines


def _up(args: argparse.Namespace) -> int:
    """The demo: the sandboxes and the API (with its worker), the hub's demo partner sharing the
    sandboxes' default partner account and standing (providers/demo.py).

    The sandboxes keep their state in memory, so by default the embedded database starts clean too
    (the previous one is kept as hub.sqlite3.previous); --keep, or a HUB_DATABASE_URL, keeps the
    database and says what the sandboxes no longer know.
    """
    from sqlalchemy import func, select

    from hub.core.db.models import Enrollment
    from hub.partners.schemas import Standing, pricing_standing

    settings = _settings(args)
    fixed = [] if args.free_ports else _sandbox_ports()
    busy = _busy_ports(settings.host, [settings.port]) + _busy_ports(args.sandbox_host, fixed)
    if busy:
        print(f"port {', '.join(map(str, busy))} is in use: is another `hub up` running? (--port P, --free-ports)",
              file=sys.stderr)
        return 1
    notes: list[str] = []
    if settings.database_url or args.keep:
        from sqlalchemy.engine import make_url

        shown = make_url(settings.database).render_as_string(hide_password=True) if settings.database_url else \
            settings.database.split("///", 1)[1]
        notes.append(f"database  {shown} (kept)")
    else:
        database = Path(settings.database.split("///", 1)[1])
        previous = _set_aside(database)
        notes.append(f"database  {database} (a clean demo state: `hub up --keep` keeps the database)")
        if previous is not None:
            notes.append(f"          the previous run's database is kept as {previous}")

    async def prepare(session: AsyncSession) -> tuple[str, str, dict[str, Any], str | None, int]:
        partner, key = await partners.demo_partner(session)
        remembered = await session.scalar(select(func.count()).select_from(Enrollment))
        return partner.id, partner.name, msgspec.to_builtins(partners.partner_out(partner).standing), key, remembered or 0

    partner_id, name, standing, key, remembered = _with_database(settings, prepare)
    if remembered:
        notes.append(f"warning   the sandboxes start empty on every `hub up`: the {remembered} enrollment(s) this database"
                     " remembers (and their subscribers, subscriptions, Rarus clients) are unknown to them;"
                     " `hub up` without --keep starts clean")
    sandboxes = _start_sandboxes(args, standing=pricing_standing(msgspec.convert(standing, Standing)))
    reach = "127.0.0.1" if args.sandbox_host in ("0.0.0.0", "::", "") else args.sandbox_host  # the hub calls them here
    settings = replace(settings, provider_urls={p: f"http://{reach}:{sandboxes.served[p].port}" for p in settings.provider_urls},
                       smtp_host=reach, smtp_port=sandboxes.smtp["medicine_smtp"].port)
    api = f"http://{settings.host}:{settings.port}"
    lines = ["", *notes, "", f"demo partner  {name}  id {partner_id}",
             "  standing (the sandboxes' default partner account has the same; GET /api/v1/partner shows it):",
             *(f"    {line}" for line in _summary(standing)),
             f"  signs in to the sandboxes with the hub's default account (HUB_FRESH_*, HUB_RARUS_*): Service Manager"
             f" user {settings.fresh_login!r}, subscriber {settings.fresh_account}; Rarus cabinet {settings.rarus_partner_code}"]
    if key is not None:
        lines += ["  admin API key, shown once, keep it:", f"    {key}"]
    else:
        lines += ["  it exists already: its keys were shown when it was made (`hub key list` lists them);",
                  f"  another: .venv/bin/hub key create {partner_id} --role admin"]
    lines += ["", f"API       {api}  (OpenAPI: {api}/schema/swagger)",
              f"try       curl -H 'Authorization: Bearer {key or '<KEY>'}' {api}/api/v1/partner", ""]
    print("\n".join(lines), flush=True)
    try:
        return _run_api(settings)
    finally:
        sandboxes.stop()


def _sandbox_ports() -> list[int]:
    from providers.sandbox import DEFAULT_PORTS

    return list(DEFAULT_PORTS.values())


def _worker(args: argparse.Namespace) -> int:
    import signal

    from hub.app import build_pricing
    from hub.composition import build_adapters_from, build_onboarding, build_subscriptions, build_worker

    settings = _settings(args)

    async def run() -> None:
        db = Database(settings.database)
        adapters = build_adapters_from(settings)
        await db.upgrade()
        pricing = build_pricing(settings, SystemClock())
        worker = build_worker(settings, db, adapters, build_onboarding(settings, pricing.catalogs),
                              build_subscriptions(settings, pricing))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        print(f"worker {worker.name} on {settings.database}", flush=True)
        try:
            await worker.run(stop)
        finally:
            await adapters.close()
            await db.dispose()

    asyncio.run(run())
    return 0


def _report_weekly(args: argparse.Namespace) -> int:
    from hub.reports import service as reports
    from hub.core.spreadsheet import to_csv, to_xlsx

    async def digest(session: AsyncSession):
        week = args.week or reports.current_week(SystemClock().today())
        return await reports.weekly(session, Caller(args.partner_id, None, "viewer"), week, args.weeks_ahead)

    result = _with_database(_settings(args), digest)
    if args.format == "json":
        data = msgspec.json.format(msgspec.json.encode(result), indent=2) + b"\n"
    elif args.format == "csv":
        data = to_csv(reports.COLUMNS, reports.table(result))
    else:
        data = to_xlsx(f"Дайджест {result.week}", reports.COLUMNS, reports.table(result))
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _compute(args: argparse.Namespace) -> int:
    from hub.app import build_pricing

    request_type = QuoteRequest if args.command == "quote" else SubscriptionPriceRequest
    try:
        request = decode_body(_read(args.file), request_type)
    except PricingError as exc:
        _emit(from_error(exc), sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        _emit(problem(400, "Unreadable input", str(exc)), sys.stderr)
        return EXIT_BAD_INPUT
    settings = _settings(args)
    service = build_pricing(settings, SystemClock())
    try:
        own = _with_database(settings, lambda s: partners.standing_of(s, args.partner)) if args.partner else None
        result = service.quote(request, own) if args.command == "quote" else service.price(request, own)
    except PricingError as exc:
        _emit(from_error(exc), sys.stderr)
        return EXIT_BAD_INPUT
    _emit(result)
    return 0


def _with_database(settings: Settings, work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    """Run ``work`` in one committed transaction on an up-to-date database."""

    async def run() -> Any:
        db = Database(settings.database)
        try:
            await db.upgrade()
            async with db.sessions() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await db.dispose()

    return asyncio.run(run())


def _db_upgrade(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def upgrade() -> None:
        db = Database(settings.database)
        try:
            await db.upgrade()
        finally:
            await db.dispose()

    asyncio.run(upgrade())
    print(f"schema up to date: {settings.database}")
    return 0


def _partner_create(args: argparse.Namespace) -> int:
    partner = _with_database(_settings(args), lambda s: partners.create_partner(s, args.name))
    print(f"partner {partner.name!r} created; its id:")
    print(partner.id)
    return 0


def _table(rows: list[Any], columns: tuple[str, ...], as_json: bool) -> None:
    if as_json:
        _emit(rows)
        return
    cells = [[_cell(getattr(row, c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    for line in [list(columns), *cells]:
        print("  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip())


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else str(value)


def _partner_list(args: argparse.Namespace) -> int:
    _table(_with_database(_settings(args), partners.list_partners), ("id", "name", "created_at", "live_keys"), args.json)
    return 0


def _partner_credentials(args: argparse.Namespace) -> int:
    """Set (or with --clear forget) a partner's own provider account; a secret given as '-' is read from stdin."""
    from hub.core.exceptions import InvalidField
    from hub.core.problems import split_validation
    from hub.partners.credentials_schemas import CredentialsIn
    from hub.partners import credentials
    from hub.partners.credentials import Vault

    settings = _settings(args)
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
        return await credentials.store(session, caller, Vault.from_settings(settings), args.provider, data)

    _emit(_with_database(settings, work))
    return 0


def _key_create(args: argparse.Namespace) -> int:
    key, plain = _with_database(_settings(args), lambda s: partners.create_key(s, args.partner_id, args.role))
    print(f"API key {key.id} ({key.role}) for partner {key.partner_id}; it is shown once, keep it:")
    print(plain)
    return 0


def _key_list(args: argparse.Namespace) -> int:
    keys = _with_database(_settings(args), lambda s: partners.list_keys(s, args.partner_id))
    _table(keys, ("id", "partner_id", "prefix", "role", "created_at", "revoked_at"), args.json)
    return 0


def _key_revoke(args: argparse.Namespace) -> int:
    key = _with_database(_settings(args), lambda s: partners.revoke_key(s, args.key_id))
    print(f"API key {key.id} revoked at {key.revoked_at.isoformat() if key.revoked_at else '?'}")
    return 0


def _catalog(args: argparse.Namespace) -> int:
    from hub.app import build_pricing

    service = build_pricing(_settings(args), SystemClock())
    if args.provider not in service.catalogs:
        _emit(problem(404, "Not found", f"no provider {args.provider!r}"), sys.stderr)
        return EXIT_BAD_INPUT
    _emit(service.catalog(args.provider))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hub", description="The reseller hub for 1С:Фреш, 1С:Медицина and 1С-Рарус.")
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the HTTP API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=_serve)
    up = commands.add_parser("up", help="start the provider sandboxes and the HTTP API")
    up.add_argument("--host")
    up.add_argument("--port", type=int)
    up.add_argument("--sandbox-host", default="127.0.0.1")
    up.add_argument("--catalog-dir")
    up.add_argument("--keep", action="store_true",
                    help="keep the embedded database (the sandboxes still start empty); default: a clean demo state")
    up.add_argument("--free-ports", action="store_true", help="any free ports for the sandboxes instead of the 81xx ones")
    up.set_defaults(run=_up)
    sandboxes = commands.add_parser("sandboxes", help="start the provider sandboxes on loopback ports")
    sandboxes.add_argument("--sandbox-host", default="127.0.0.1")
    sandboxes.add_argument("--catalog-dir")
    sandboxes.add_argument("--free-ports", action="store_true", help="any free ports instead of the fixed 81xx ones")
    sandboxes.set_defaults(run=_sandboxes)
    for name, what in (("quote", "a quote request"), ("price", "a subscription price request")):
        sub = commands.add_parser(name, help=f"price {what} read as JSON from FILE or - (stdin)")
        sub.add_argument("file", metavar="FILE|-")
        sub.set_defaults(run=_compute)
        sub.add_argument("--partner", help="price with this partner's stored standing (as the API does for its keys)")
    catalog = commands.add_parser("catalog", help="print a provider's loaded catalog")
    catalog.add_argument("provider")
    catalog.set_defaults(run=_catalog)
    for sub in (serve, *[commands.choices[n] for n in ("quote", "price", "catalog")]):
        sub.add_argument("--catalog-dir", help="directory of fresh_ru.json, fresh_kz.json, medicine.json, rarus.json")

    commands.add_parser("worker", help="run the outbox worker").set_defaults(run=_worker)
    report = commands.add_parser("report", help="reports").add_subparsers(dest="report_command", required=True)
    weekly = report.add_parser("weekly", help="the Monday digest (FAM-SUB-14)")
    weekly.add_argument("partner_id")
    weekly.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: this week)")
    weekly.add_argument("--weeks-ahead", type=int, default=4)
    weekly.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    weekly.add_argument("--output", help="write to this file instead of standard output")
    weekly.set_defaults(run=_report_weekly)
    db = commands.add_parser("db", help="the database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="bring the schema up to date").set_defaults(run=_db_upgrade)
    partner = commands.add_parser("partner", help="partners").add_subparsers(dest="partner_command", required=True)
    create = partner.add_parser("create", help="create a partner; prints its id on the last line")
    create.add_argument("name")
    create.set_defaults(run=_partner_create)
    partner_list = partner.add_parser("list", help="every partner: id, name, created, live keys")
    partner_list.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    partner_list.set_defaults(run=_partner_list)
    own = partner.add_parser("credentials", help="the partner's own account at a provider (write-only)")
    own.add_argument("partner_id")
    own.add_argument("provider", help="fresh_ru, fresh_kz, medicine (login, password, account) or rarus (token, partner code)")
    own.add_argument("--login")
    own.add_argument("--password", help="the password, or - to read it from standard input")
    own.add_argument("--account", type=int, help="the partner's own subscriber number at the Service Manager")
    own.add_argument("--token", help="the Rarus cabinet token, or - to read it from standard input")
    own.add_argument("--partner-code", help="the Rarus partner code (RA-ONB-08: 320 is written 0320)")
    own.add_argument("--clear", action="store_true", help="forget them: the hub's default account applies again")
    own.set_defaults(run=_partner_credentials)
    key = commands.add_parser("key", help="API keys").add_subparsers(dest="key_command", required=True)
    key_create = key.add_parser("create", help="create an API key; prints it alone on the last line, once")
    key_create.add_argument("partner_id")
    key_create.add_argument("--role", choices=ROLES, default="operator")
    key_create.set_defaults(run=_key_create)
    key_list = key.add_parser("list", help="API keys: id, partner, prefix, role, created, revoked (never the secret)")
    key_list.add_argument("partner_id", nargs="?", help="only this partner's keys")
    key_list.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    key_list.set_defaults(run=_key_list)
    key_revoke = key.add_parser("revoke", help="revoke an API key by its id")
    key_revoke.add_argument("key_id")
    key_revoke.set_defaults(run=_key_revoke)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CatalogError as exc:
        _emit(problem(500, "Catalog error", str(exc)), sys.stderr)
        return 1
    except PricingError as exc:
        _emit(from_error(exc), sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
