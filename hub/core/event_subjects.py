"""Events about subscriptions and transfers, in the same per-partner feed as the enrollments' (`GET /api/v1/events`).

``events.emit`` reads three attributes of what an event is about (``partner_id``, ``id`` as the enrollment id,
``customer_id``); an event that is not about an enrollment gives them here, with ``enrollment_id`` None, and
names its subject in ``data`` (``subscription_id``, ``transfer_id``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub.core import events


@dataclass(frozen=True)
class Subject:
    partner_id: str
    id: str | None  # the enrollment, if any
    customer_id: str | None


def emit_for(session: AsyncSession, partner_id: str, kind: str, *, customer_id: str | None = None,
             enrollment_id: str | None = None, **data: Any) -> None:
    """Add an event of the partner's feed that is not about an enrollment (numbered at commit like every event)."""
    events.emit(session, Subject(partner_id, enrollment_id, customer_id), kind, **data)  # type: ignore[arg-type]
