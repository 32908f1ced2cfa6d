"""The shapes every feature's schemas share: the base of a request body (``Input``); the outbox's
operations and the event feed as the API shows them (hub/core/outbox.py, hub/core/events.py); a
listing's window is ``hub.core.paging.Page``."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from hub.core.paging import Page


class Input(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Base of request bodies: unknown fields are an error, not silently ignored."""


class OperationOut(msgspec.Struct):
    id: int
    enrollment_id: str | None
    customer_id: str | None
    provider: str
    kind: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    result: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


class AttemptOut(msgspec.Struct):
    worker: str
    started_at: datetime
    finished_at: datetime
    outcome: str  # ok | waiting | transient | rejected
    error: str | None


class OperationDetail(OperationOut):
    """One operation with every attempt the workers recorded, oldest first."""

    history: list[AttemptOut] = []


class OperationPage(Page[OperationOut]):
    items: list[OperationOut]  # restated for OpenAPI (see Page)


class EventOut(msgspec.Struct):
    id: int
    kind: str
    enrollment_id: str | None
    customer_id: str | None
    data: dict[str, Any]
    at: datetime


class EventPage(msgspec.Struct):
    items: list[EventOut]
    next_cursor: int | None
