"""Every read of a partner's row goes through here: another partner's row is reported exactly like a
missing one (a 404 that confirms nothing).

A state transition reads its row with ``for_update=True`` and checks the state only after that: on
PostgreSQL the row is locked (SELECT … FOR UPDATE) until the transaction ends, so a second request
for the same transition waits and then sees the first one's outcome. SQLite has no row locks, but
every writer's transaction began with BEGIN IMMEDIATE (hub/core/db/engine.py), so the check and the
write already sit inside the database's single write lock.
"""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.caller import Caller
from hub.core.exceptions import NotFound

T = TypeVar("T")


async def owned_row(session: AsyncSession, model: type[T], caller: Caller, row_id: Any, what: str, *,
                    for_update: bool = False) -> T:
    query = select(model).where(model.id == row_id, model.partner_id == caller.partner_id)  # type: ignore[attr-defined]
    if for_update:  # the row as the lock holder left it, even if this session had read it before
        query = query.with_for_update().execution_options(populate_existing=True)
    row = await session.scalar(query)
    if row is None:
        raise NotFound(f"no {what} {row_id}")
    return row
