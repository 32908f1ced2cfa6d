"""Enrollment events, cursor-paginated by their ids."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..caller import Caller
from ..db.models import Enrollment, Event
from ..schemas.enrollments import EventOut, EventPage

MAX_PAGE = 500


def emit(session: AsyncSession, enrollment: Enrollment, kind: str, **data: Any) -> None:
    session.add(Event(partner_id=enrollment.partner_id, enrollment_id=enrollment.id, customer_id=enrollment.customer_id,
                      kind=kind, data=data))


async def page(session: AsyncSession, caller: Caller, after: int, limit: int) -> EventPage:
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(await session.scalars(select(Event).where(Event.partner_id == caller.partner_id, Event.id > after)
                                      .order_by(Event.id).limit(limit)))
    items = [EventOut(e.id, e.kind, e.enrollment_id, e.customer_id, e.data, e.at) for e in rows]
    return EventPage(items, rows[-1].id if len(rows) == limit else None)
