"""Migration 0012 on both backends: the ЕГИСЗ approvals recorded in their own column become the
``egisz_approval`` entry of ``gates_passed``, and back on downgrade."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from alembic import command
from sqlalchemy import text

from hub.core.db import Database
from hub.core.db.engine import alembic_config

APPROVED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
ROWS = {"e-approved": APPROVED_AT, "e-waiting": None}


def _to(revision: str):
    def run(connection) -> None:  # type: ignore[no-untyped-def]
        if revision.startswith("-"):
            command.downgrade(alembic_config(connection), revision[1:])
        else:
            command.upgrade(alembic_config(connection), revision)
    return run


async def _migrate(url: str) -> tuple[dict, dict]:
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(_to("0011"))
            now = datetime(2026, 11, 1, tzinfo=timezone.utc)
            await connection.execute(text("insert into partners (id, name, standing, created_at, updated_at) "
                                          "values ('p', 'ООО П', '{}', :now, :now)"), {"now": now})
            await connection.execute(text(
                "insert into customers (id, partner_id, legal_name, legal_name_folded, country, new_to_1c, version, "
                "accounts, created_at, updated_at) values ('c', 'p', 'ООО К', 'ооо к', 'RU', false, 1, '{}', :now, :now)"),
                {"now": now})
            for enrollment_id, approved in ROWS.items():
                await connection.execute(text(
                    "insert into enrollments (id, partner_id, customer_id, provider, state, products, users, "
                    "trial_ending_noticed, egisz_approved_at, created_at, updated_at) values "
                    "(:id, 'p', 'c', 'medicine', 'trial_active', '[]', '[]', false, :approved, :now, :now)"),
                    {"id": enrollment_id, "approved": approved, "now": now})
            await connection.execute(text(
                "insert into operations (partner_id, enrollment_id, provider, kind, payload, status, attempts, max_attempts, "
                "next_attempt_at, created_at, updated_at) values ('p', 'e-approved', 'medicine', 'poll_access', '{}', "
                "'succeeded', 1, 12, :now, :now, :now)"), {"now": now})  # a row referring to the enrollment
        await db.upgrade()
        async with db.engine.connect() as connection:
            up = {row.id: row.gates_passed for row in await connection.execute(
                text("select id, gates_passed from enrollments order by id"))}
        async with db.engine.begin() as connection:
            await connection.run_sync(_to("-0011"))
        async with db.engine.connect() as connection:
            down = {row.id: row.egisz_approved_at for row in await connection.execute(
                text("select id, egisz_approved_at from enrollments order by id"))}
        return up, down
    finally:
        await db.dispose()


def _json(value):  # type: ignore[no-untyped-def]
    import json
    return json.loads(value) if isinstance(value, str) else value


def _utc(value):  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def test_0012_carries_the_egisz_approvals_over_and_back(database_url):
    up, down = asyncio.run(_migrate(database_url))
    assert {k: _json(v) for k, v in up.items()} == {"e-approved": {"egisz_approval": APPROVED_AT.isoformat()},
                                                    "e-waiting": {}}
    assert {k: _utc(v) for k, v in down.items()} == ROWS
