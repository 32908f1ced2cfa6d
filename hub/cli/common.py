"""What every command shares: reading input, printing JSON and tables, the settings, one database transaction."""
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

from hub.core.db import Database
from hub.core.settings import Settings

EXIT_BAD_INPUT = 2


def read_input(source: str) -> bytes:
    return sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()


def emit(value: Any, stream=None) -> None:
    stream = stream or sys.stdout
    stream.write(msgspec.json.format(msgspec.json.encode(value), indent=2).decode() + "\n")


def settings_from(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    if getattr(args, "catalog_dir", None):
        settings = replace(settings, catalog_dir=Path(args.catalog_dir))
    if getattr(args, "host", None):
        settings = replace(settings, host=args.host)
    if getattr(args, "port", None):
        settings = replace(settings, port=args.port)
    if getattr(args, "demo", False):
        settings = replace(settings, clock="controllable")
    return settings


def with_database(settings: Settings, work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
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


def table(rows: list[Any], columns: tuple[str, ...], as_json: bool) -> None:
    if as_json:
        emit(rows)
        return
    cells = [[cell(getattr(row, c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    for line in [list(columns), *cells]:
        print("  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip())


def cell(value: Any) -> str:
    if value is None:
        return "-"
    return value.isoformat(timespec="seconds") if hasattr(value, "isoformat") else str(value)
