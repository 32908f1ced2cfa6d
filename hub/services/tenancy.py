"""Every read of a partner's row goes through here: another partner's row is reported exactly like a
missing one (a 404 that confirms nothing)."""
from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..caller import Caller
from ..exceptions import NotFound

T = TypeVar("T")


async def owned_row(session: AsyncSession, model: type[T], caller: Caller, row_id: Any, what: str) -> T:
    row = await session.scalar(select(model).where(model.id == row_id, model.partner_id == caller.partner_id))  # type: ignore[attr-defined]
    if row is None:
        raise NotFound(f"no {what} {row_id}")
    return row
