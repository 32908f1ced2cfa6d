"""Issue 15: hub/core/db/sqlite_driver.py runs each statement in one trip to aiosqlite's thread — and answers
SQLAlchemy exactly as the stock aiosqlite adapter does. SQLite only: it is the SQLite driver (the rest of the
suite runs every storage test through it on SQLite and through asyncpg on PostgreSQL)."""
from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import aiosqlite.core
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, UniqueConstraint, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from hub.core.db.sqlite_driver import one_trip_dbapi

META = MetaData()
ITEMS = Table("items", META, Column("id", Integer, primary_key=True, autoincrement=True),
              Column("name", String(20), nullable=False), UniqueConstraint("name"))


async def outcomes(url: str, **engine: object) -> dict[str, object]:
    db = create_async_engine(url, **engine)
    try:
        async with db.begin() as connection:
            await connection.run_sync(META.create_all)
        async with db.begin() as connection:
            one = await connection.execute(insert(ITEMS).values(name="a"))
            many = await connection.execute(insert(ITEMS).returning(ITEMS.c.id, ITEMS.c.name),
                                            [{"name": n} for n in "bcde"])
            returned = [tuple(r) for r in many]
            plain = await connection.execute(insert(ITEMS), [{"name": n} for n in "fg"])
            changed = await connection.execute(update(ITEMS).where(ITEMS.c.name < "c").values(name=ITEMS.c.name + "!"))
            streamed = [tuple(r) async for r in await connection.stream(select(ITEMS).order_by(ITEMS.c.id))]
            first = (await connection.execute(select(ITEMS.c.name).order_by(ITEMS.c.id))).first()
            none = (await connection.execute(select(ITEMS).where(ITEMS.c.id < 0))).all()
            nothing = (await connection.execute(text("PRAGMA user_version"))).scalar()
        try:
            async with db.begin() as connection:
                await connection.execute(insert(ITEMS).values(name="c"))
            refused = None
        except IntegrityError as exc:
            refused = type(exc.orig).__name__
        try:
            async with db.begin() as connection:
                await connection.execute(text("SELECT * FROM no_such_table"))
            missing = None
        except OperationalError as exc:
            missing = type(exc.orig).__name__
        return {"pk": one.inserted_primary_key, "returned": returned, "plain_rows": plain.rowcount,
                "updated": changed.rowcount, "streamed": streamed, "first": tuple(first), "none": none,
                "pragma": nothing, "refused": refused, "missing": missing}
    finally:
        await db.dispose()


def test_the_one_trip_cursor_answers_as_the_stock_adapter(tmp_path: Path):
    stock = asyncio.run(outcomes(f"sqlite+aiosqlite:///{tmp_path / 'stock.db'}"))
    ours = asyncio.run(outcomes(f"sqlite+aiosqlite:///{tmp_path / 'ours.db'}", module=one_trip_dbapi()))
    assert ours == stock
    assert stock["refused"] == "IntegrityError" and stock["updated"] == 2 and len(stock["returned"]) == 4


def test_a_statement_is_one_trip_to_the_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    trips: Counter[str] = Counter()
    original = aiosqlite.core.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        trips[getattr(fn, "__name__", "?")] += 1
        return await original(self, fn, *args, **kwargs)

    async def statements(**engine: object) -> int:
        db = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.db'}", **engine)
        try:
            async with db.connect() as connection:
                await connection.execute(text("SELECT 1"))  # the connection is open: count from here
                trips.clear()
                for _ in range(10):
                    await connection.execute(text("SELECT 1"))
                return sum(trips.values())
        finally:
            await db.dispose()

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    assert asyncio.run(statements(module=one_trip_dbapi())) == 10
    assert asyncio.run(statements()) >= 30  # the stock adapter: a cursor, the statement, its rows, the close
