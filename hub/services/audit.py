"""The append-only audit log: every change with its before and after, in the change's transaction."""
from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..caller import Caller
from ..db.models import AuditEntry


class AuditOut(msgspec.Struct):
    id: int
    at: str
    actor: str
    resource: str
    resource_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(msgspec.Struct):
    items: list[AuditOut]
    total: int
    limit: int
    offset: int


def record(session: AsyncSession, caller: Caller, resource: str, resource_id: str, action: str,
           before: Any = None, after: Any = None) -> None:
    session.add(AuditEntry(
        partner_id=caller.partner_id,
        api_key_id=caller.key_id,
        actor=caller.actor,
        resource=resource,
        resource_id=resource_id,
        action=action,
        before=before,
        after=after,
    ))


async def list_entries(session: AsyncSession, caller: Caller, *, resource: str | None, resource_id: str | None,
                       limit: int, offset: int) -> AuditPage:
    where = [AuditEntry.partner_id == caller.partner_id]
    if resource:
        where.append(AuditEntry.resource == resource)
    if resource_id:
        where.append(AuditEntry.resource_id == resource_id)
    total = await session.scalar(select(func.count()).select_from(AuditEntry).where(*where))
    rows = await session.scalars(select(AuditEntry).where(*where).order_by(AuditEntry.id).limit(limit).offset(offset))
    items = [AuditOut(e.id, e.at.isoformat(), e.actor, e.resource, e.resource_id, e.action, e.before, e.after) for e in rows]
    return AuditPage(items, total or 0, limit, offset)
