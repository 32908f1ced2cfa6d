"""The async engine for the embedded SQLite default or PostgreSQL, and schema upgrades.

SQLite runs in WAL mode, and every transaction starts with BEGIN IMMEDIATE so
concurrent writers queue on the lock instead of failing half-way; PostgreSQL
needs nothing special. The same Alembic migrations serve both.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

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
            self.engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
            _sqlite_setup(self.engine, writer=True)
            self.read_engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
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


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
