"""The append-only audit log: every change with its before and after, in the change's transaction."""
from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.caller import Caller
from hub.core.db.models import AuditEntry
from hub.core.paging import Page, matching, page


class AuditOut(msgspec.Struct):
    id: int
    at: str
    actor: str
    resource: str
    resource_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(Page[AuditOut]):
    items: list[AuditOut]  # restated for OpenAPI (see Page)


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
    where += matching((AuditEntry.resource, resource or None), (AuditEntry.resource_id, resource_id or None))
    items, total = await page(session, AuditEntry, where, (AuditEntry.id,), limit, offset, lambda e: AuditOut(
        e.id, e.at.isoformat(), e.actor, e.resource, e.resource_id, e.action, e.before, e.after))
    return AuditPage(items, total, limit, offset)
