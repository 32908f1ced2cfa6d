"""`hub up`, `hub serve`, `hub sandboxes` and `hub worker`: the processes the hub runs as."""
from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from hub.cli.common import settings_from, with_database
from hub.core.db import Database
from hub.core.settings import Settings
from hub.partners import service as partners


def serve(args: argparse.Namespace) -> int:
    return run_api(settings_from(args), workers=getattr(args, "workers", None) or 1)


def server_options() -> dict[str, Any]:
    """uvicorn's fastest parts when installed (httptools, uvloop) and no per-request access log: a request line
    through the stdlib logger cost more than the engine's whole quote (issue 15). Errors are still logged."""
    import importlib.util

    options: dict[str, Any] = {"log_level": "info", "access_log": False}
    if importlib.util.find_spec("httptools"):
        options["http"] = "httptools"
    if importlib.util.find_spec("uvloop"):
        options["loop"] = "uvloop"
    return options


def run_api(settings: Settings, workers: int = 1) -> int:
    """One process, or ``workers`` processes on one socket (each with its own rate-limit counters and key
    cache, and — unless HUB_WORKER=0 — its own outbox worker, which share the work through the leases)."""
    import uvicorn

    if workers > 1:  # the processes build the app themselves, from the same environment
        import os

        if settings.clock != "system":
            print("hub serve --workers needs the system clock: a controllable clock would be one per process",
                  file=sys.stderr)
            return 2
        asyncio.run(_upgraded(settings))  # once, here: N processes would race creating an empty schema
        os.environ.update(settings_env(settings))
        collecting_from_now()
        uvicorn.run("hub.app:from_environment", factory=True, host=settings.host, port=settings.port,
                    workers=workers, **server_options())
        return 0
    from hub.app import create_app

    app = create_app(settings)
    collecting_from_now()
    uvicorn.run(app, host=settings.host, port=settings.port, **server_options())
    return 0


def collecting_from_now() -> None:
    """The garbage collector on again (hub/cli/launch.py holds it through the imports and the app's build: a
    tenth of the cold start), with what exists now — modules, the app — kept out of its rounds (gc.freeze)."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


async def _upgraded(settings: Settings) -> None:
    db = Database(settings.database)
    try:
        await db.upgrade()
    finally:
        await db.dispose()


def settings_env(settings: Settings) -> dict[str, str]:
    """What a worker process needs to build the same app: the options the command line gave."""
    env = {"HUB_DATABASE_URL": settings.database, "HUB_CLOCK": settings.clock}
    if settings.catalog_dir is not None:
        env["HUB_CATALOG_DIR"] = str(settings.catalog_dir)
    return env


def start_sandboxes(args: argparse.Namespace, **options: Any):
    from pricing import load_catalogs
    from providers.sandbox import DEFAULT_PORTS, start_sandboxes

    ports = None if getattr(args, "free_ports", False) else DEFAULT_PORTS
    sandboxes = start_sandboxes(args.sandbox_host, ports, load_catalogs(settings_from(args).catalog_dir), **options)
    for name, address in sandboxes.addresses().items():
        print(f"{name:16} {address}", flush=True)
    return sandboxes


def sandboxes(args: argparse.Namespace) -> int:
    import time

    sandboxes = start_sandboxes(args)
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


def up(args: argparse.Namespace) -> int:
    """The demo: the sandboxes and the API (with its worker), the hub's demo partner sharing the
    sandboxes' default partner account and standing (providers/demo.py).

    The sandboxes keep their state in memory, so by default the embedded database starts clean too
    (the previous one is kept as hub.sqlite3.previous); --keep, or a HUB_DATABASE_URL, keeps the
    database and says what the sandboxes no longer know.
    """
    from sqlalchemy import func, select

    from hub.core.db.models import Enrollment
    from hub.partners.schemas import Standing, pricing_standing

    settings = settings_from(args)
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

    partner_id, name, standing, key, remembered = with_database(settings, prepare)
    if remembered:
        notes.append(f"warning   the sandboxes start empty on every `hub up`: the {remembered} enrollment(s) this database"
                     " remembers (and their subscribers, subscriptions, Rarus clients) are unknown to them;"
                     " `hub up` without --keep starts clean")
    sandboxes = start_sandboxes(args, standing=pricing_standing(msgspec.convert(standing, Standing)))
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
    desk = next(p for p, profile in PROFILES.items() if "certificates" in profile.onboarding)  # its SMTP takes all mail
    lines += ["", f"API       {api}  (OpenAPI: {api}/schema/swagger)",
              f"mail      http://{reach}:{sandboxes.served[desk].port}/_control/mail  every e-mail the hub sent (the demo's"
              " SMTP sink: requests to the providers' and 1C's mailboxes, certificate requests, notices)",
              f"try       curl -H 'Authorization: Bearer {key or '<KEY>'}' {api}/api/v1/partner"]
    if settings.clock == "controllable":
        lines += [f"clock     controllable: curl -X POST {api}/_control/clock -d '{{\"advance_seconds\": 86400}}'"
                  " moves the hub and the sandboxes a day forward (trials end, notices fall due, transfers auto-approve)"]
    lines.append("")
    print("\n".join(lines), flush=True)
    try:
        return run_api(settings)
    finally:
        sandboxes.stop()


def _sandbox_ports() -> list[int]:
    from providers.sandbox import DEFAULT_PORTS

    return list(DEFAULT_PORTS.values())


def worker(args: argparse.Namespace) -> int:
    import signal

    from hub.composition import compose

    settings = settings_from(args)

    async def run() -> None:
        hub = compose(settings)
        db = Database(settings.database)
        adapters = hub.adapters()
        await db.upgrade()
        worker = hub.worker(db, adapters)
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
