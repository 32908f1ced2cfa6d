"""The async engine for the embedded SQLite default or PostgreSQL, and schema upgrades.

SQLite runs in WAL mode with synchronous=NORMAL, every transaction starts with BEGIN IMMEDIATE so
concurrent writers queue on the lock instead of failing half-way, and a process writes through one
connection, so its writers wait in the application rather than in SQLite's busy handler, and each statement
is one trip to aiosqlite's thread (hub/core/db/sqlite_driver.py); PostgreSQL
needs nothing special. The same Alembic migrations serve both.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import re
from functools import cache

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from hub.core.db.sqlite_driver import one_trip_dbapi

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SQLITE_BUSY_SECONDS = 30


def default_database_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{data_dir / 'hub.sqlite3'}"


def _sqlite_setup(engine: AsyncEngine, *, writer: bool) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event decide
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, consistent always
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # writers queue on the lock up front; readers take a plain snapshot (WAL lets them run beside writers)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


class Database:
    """The engines and session factories for the process: ``sessions`` for work that may write,
    ``reads`` for work that only reads (on SQLite it takes no write lock)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            # one writer connection: the process's writes queue for it in the application (a wait on the pool),
            # not in SQLite's sleep-and-retry busy handler; other processes still meet the busy timeout
            pool = {"pool_size": 1, "max_overflow": 0, "pool_timeout": SQLITE_BUSY_SECONDS} \
                if path and path != ":memory:" else {}  # (in memory SQLAlchemy keeps one connection anyway)
            one_trip = {"module": one_trip_dbapi()} if url.startswith("sqlite+aiosqlite") else {}
            self.engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, **pool, **one_trip)
            _sqlite_setup(self.engine, writer=True)
            self.read_engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS}, **one_trip)
            _sqlite_setup(self.read_engine, writer=False)
        else:
            self.engine = self.read_engine = create_async_engine(url, pool_pre_ping=True)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, class_=AsyncSession)
        self.reads = async_sessionmaker(self.read_engine, expire_on_commit=False, class_=AsyncSession)

    async def upgrade(self) -> None:
        """Bring the schema up to date (alembic upgrade head) over this engine."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str | None:
    """The newest migration, read from the scripts' own lines (the one no other revises), or None if that is
    not one revision — then Alembic decides."""
    revisions, revised = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        found, down = re.search(r'^revision = "([^"]+)"', source, re.M), re.search(r'^down_revision = "([^"]+)"', source, re.M)
        if found:
            revisions.add(found.group(1))
        if down:
            revised.add(down.group(1))
    heads = revisions - revised
    return next(iter(heads)) if len(heads) == 1 else None


def _upgrade(connection: Connection) -> None:
    """alembic upgrade head — unless the schema is already there: then Alembic (and Mako) is not even imported
    (issue 15: two thirds of a start went to importing it)."""
    if inspect(connection).has_table("alembic_version"):
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if current and current == [head_revision()]:
            return
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
