"""The ``hub`` command.

    hub up [--host H] [--port P] [--keep] [--free-ports] [--demo]
                                     the provider sandboxes and the API together (what `make run` does),
                                     from a clean demo state (--keep: on the database as it is), with
                                     a demo partner whose standing the sandboxes share; prints its key once;
                                     --demo: a controllable clock, POST /_control/clock moves hub and sandboxes
    hub serve [--host H] [--port P] [--workers N] [--catalog-dir DIR] [--demo]
    hub sandboxes [--host H]         the provider sandboxes on loopback ports; prints their addresses
    hub worker                       the outbox worker alone (beside `hub serve` with HUB_WORKER=0)
    hub report weekly PARTNER_ID [--week 2026-W48] [--format json|csv|xlsx] [--output FILE]
    hub report its-sales PARTNER_ID --month 2026-11   ITS «Сумма продаж на одного клиента» per customer (FR-PRICE-03)
    hub reconcile PROVIDER PERIOD [--file F] [--partner ID] [--format json|csv|xlsx] [--output FILE]
    hub mail kinds|send KIND [--customer ID] [--field NAME=VALUE]… [--attach NAME]…|list [--state S]
                                     a statement (2026-12) or agent report (2026-Q4) against the hub's records
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
import gc
import sys

from pricing import CatalogError
from providers import PROFILES

from hub.cli import admin, mail, reading, reconcile, running
from hub.cli.common import EXIT_BAD_INPUT, emit
from hub.core.caller import ROLES
from hub.core.exceptions import REFUSALS
from hub.core.problems import from_error, problem

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hub", description="The reseller hub for 1С:Фреш, 1С:Медицина and 1С-Рарус.")
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the HTTP API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1, help="processes serving the one socket (default 1)")
    serve.add_argument("--demo", action="store_true", help="a controllable clock (POST /_control/clock), as HUB_CLOCK=controllable")
    serve.set_defaults(run=running.serve, serves=True)
    up = commands.add_parser("up", help="start the provider sandboxes and the HTTP API")
    up.add_argument("--host")
    up.add_argument("--port", type=int)
    up.add_argument("--sandbox-host", default="127.0.0.1")
    up.add_argument("--catalog-dir")
    up.add_argument("--keep", action="store_true",
                    help="keep the embedded database (the sandboxes still start empty); default: a clean demo state")
    up.add_argument("--free-ports", action="store_true", help="any free ports for the sandboxes instead of the 81xx ones")
    up.add_argument("--demo", action="store_true",
                    help="a controllable clock: POST /_control/clock moves the hub and the sandboxes forward together")
    up.set_defaults(run=running.up, serves=True)
    sandboxes = commands.add_parser("sandboxes", help="start the provider sandboxes on loopback ports")
    sandboxes.add_argument("--sandbox-host", default="127.0.0.1")
    sandboxes.add_argument("--catalog-dir")
    sandboxes.add_argument("--free-ports", action="store_true", help="any free ports instead of the fixed 81xx ones")
    sandboxes.set_defaults(run=running.sandboxes)
    for name, what in (("quote", "a quote request"), ("price", "a subscription price request")):
        sub = commands.add_parser(name, help=f"price {what} read as JSON from FILE or - (stdin)")
        sub.add_argument("file", metavar="FILE|-")
        sub.set_defaults(run=reading.compute)
        sub.add_argument("--partner", help="price with this partner's stored standing (as the API does for its keys)")
    catalog = commands.add_parser("catalog", help="print a provider's loaded catalog")
    catalog.add_argument("provider")
    catalog.set_defaults(run=reading.catalog)
    for sub in (serve, *[commands.choices[n] for n in ("quote", "price", "catalog")]):
        sub.add_argument("--catalog-dir", help="directory of " + ", ".join(f"{p}.json" for p in PROFILES))

    commands.add_parser("worker", help="run the outbox worker").set_defaults(run=running.worker)
    report = commands.add_parser("report", help="reports").add_subparsers(dest="report_command", required=True)
    weekly = report.add_parser("weekly", help="the Monday digest (FAM-SUB-14)")
    weekly.add_argument("partner_id")
    weekly.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: this week)")
    weekly.add_argument("--weeks-ahead", type=int, default=4)
    weekly.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    weekly.add_argument("--output", help="write to this file instead of standard output")
    weekly.set_defaults(run=reading.report_weekly)
    its_sales = report.add_parser("its-sales", help="ITS «Сумма продаж на одного клиента» of a month (FR-PRICE-03)")
    its_sales.add_argument("partner_id")
    its_sales.add_argument("--month", required=True, help="a month like 2026-11")
    its_sales.add_argument("--catalog-dir", help="directory of the price lists")
    its_sales.set_defaults(run=reading.report_its_sales)
    check = commands.add_parser("reconcile", help="reconcile a provider's statement or agent report (issue 12)")
    check.add_argument("provider", choices=list(PROFILES))
    check.add_argument("period", help="a month like 2026-12 (Fresh family) or a quarter like 2026-Q4 (Rarus)")
    check.add_argument("--file", help="the statement or agent report (CSV or XLSX); default: fetched from the provider")
    check.add_argument("--partner", help="the partner's id (default: the only partner of the database)")
    check.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    check.add_argument("--output", help="write to this file instead of standard output")
    check.set_defaults(run=reconcile.reconcile)
    mail.add_commands(commands)
    db = commands.add_parser("db", help="the database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="bring the schema up to date").set_defaults(run=admin.db_upgrade)
    partner = commands.add_parser("partner", help="partners").add_subparsers(dest="partner_command", required=True)
    create = partner.add_parser("create", help="create a partner; prints its id on the last line")
    create.add_argument("name")
    create.set_defaults(run=admin.partner_create)
    partner_list = partner.add_parser("list", help="every partner: id, name, created, live keys")
    partner_list.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    partner_list.set_defaults(run=admin.partner_list)
    own = partner.add_parser("credentials", help="the partner's own account at a provider (write-only)")
    own.add_argument("partner_id")
    own.add_argument("provider", help=admin.credentials_help())
    own.add_argument("--login")
    own.add_argument("--password", help="the password, or - to read it from standard input")
    own.add_argument("--account", type=int, help="the partner's own subscriber number at the Service Manager")
    own.add_argument("--token", help="the Rarus cabinet token, or - to read it from standard input")
    own.add_argument("--partner-code", help="the Rarus partner code (RA-ONB-08: 320 is written 0320)")
    own.add_argument("--clear", action="store_true", help="forget them: the hub's default account applies again")
    own.set_defaults(run=admin.partner_credentials)
    key = commands.add_parser("key", help="API keys").add_subparsers(dest="key_command", required=True)
    key_create = key.add_parser("create", help="create an API key; prints it alone on the last line, once")
    key_create.add_argument("partner_id")
    key_create.add_argument("--role", choices=ROLES, default="operator")
    key_create.set_defaults(run=admin.key_create)
    key_list = key.add_parser("list", help="API keys: id, partner, prefix, role, created, revoked (never the secret)")
    key_list.add_argument("partner_id", nargs="?", help="only this partner's keys")
    key_list.add_argument("--json", action="store_true", help="a JSON array instead of a table")
    key_list.set_defaults(run=admin.key_list)
    key_revoke = key.add_parser("revoke", help="revoke an API key by its id")
    key_revoke.add_argument("key_id")
    key_revoke.set_defaults(run=admin.key_revoke)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "serves", False):
        gc.enable()  # hub/cli/launch.py held it while importing; a server turns it on once its app is built
    try:
        return args.run(args)
    except CatalogError as exc:
        emit(problem(500, "Catalog error", str(exc)), sys.stderr)
        return 1
    except REFUSALS as exc:
        emit(from_error(exc), sys.stderr)
        return EXIT_BAD_INPUT
