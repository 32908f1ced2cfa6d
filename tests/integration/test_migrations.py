"""The same migrations bring an empty SQLite file and an empty PostgreSQL database up to date."""
import asyncio

from sqlalchemy import inspect, text

from hub.core.db import Database
from hub.core.db.engine import MIGRATIONS


def head() -> str:
    """The newest revision: the migration file that no other names as its parent."""
    revisions = sorted(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*.py"))
    return revisions[-1]

TABLES = {"partners", "api_keys", "customers", "idempotency_records", "audit_log", "alembic_version", "enrollments",
          "operations", "operation_attempts", "events", "subscriptions", "departures", "transfers", "notices"}


def test_upgrade_from_empty_on_each_backend(database_url):
    async def run():
        db = Database(database_url)
        try:
            await db.upgrade()
            await db.upgrade()  # a second run is a no-op
            async with db.engine.connect() as connection:
                tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
                version = (await connection.execute(text("select version_num from alembic_version"))).scalar_one()
            return tables, version
        finally:
            await db.dispose()

    tables, version = asyncio.run(run())
    assert TABLES <= tables
    assert version == head()
