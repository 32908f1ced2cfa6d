"""The outbox: outbound steps as rows, claimed by workers under a lease.

A row is written in the same transaction as the state change that needs it. A worker claims
due rows (on PostgreSQL with FOR UPDATE SKIP LOCKED, so several workers never take the same
row; on SQLite the write lock serialises claims), runs them, and records the outcome only
while it still holds the lease. A worker that dies leaves its rows to be reclaimed when the
lease runs out; the adapters' look-before-create makes the rerun a no-op at the provider.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.caller import Caller
from hub.core.db.models import Operation, OperationAttempt
from hub.core.exceptions import InvalidField
from hub.core.schemas import AttemptOut, OperationDetail, OperationOut, OperationPage
from hub.core.paging import matching, page
from hub.core.tenancy import owned_row

PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED = "pending", "running", "succeeded", "failed", "cancelled"
STATUSES = (PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED)


def enqueue(session: AsyncSession, *, partner_id: str, provider: str, kind: str, payload: dict[str, Any],
            enrollment_id: str | None = None, customer_id: str | None = None, due: datetime | None = None,
            message_id: str | None = None) -> Operation:
    operation = Operation(partner_id=partner_id, provider=provider, kind=kind, payload=payload,
                          enrollment_id=enrollment_id, customer_id=customer_id, status=PENDING, attempts=0,
                          message_id=message_id, **({'next_attempt_at': due} if due else {}))  # else: due at once
    session.add(operation)
    return operation


async def claim(session: AsyncSession, worker: str, now: datetime, limit: int, lease: timedelta,
                skip_locked: bool) -> list[Operation]:
    """Take up to ``limit`` due rows for ``worker`` until ``now + lease``; commit to publish the claim."""
    due = select(Operation).where(
        Operation.next_attempt_at <= now,
        or_(Operation.status == PENDING, (Operation.status == RUNNING) & (Operation.locked_until < now)),
    ).order_by(Operation.next_attempt_at, Operation.id).limit(limit)
    if skip_locked:
        due = due.with_for_update(skip_locked=True)
    rows = list(await session.scalars(due))
    for row in rows:
        row.status, row.locked_by, row.locked_until = RUNNING, worker, now + lease
        row.attempts += 1
        row.updated_at = now
    await session.commit()
    return rows


async def held(session: AsyncSession, operation_id: int, worker: str) -> Operation | None:
    """The row, if ``worker`` still holds its lease (it may have been reclaimed after expiry)."""
    row = await session.get(Operation, operation_id, with_for_update=True, populate_existing=True)
    if row is None or row.status != RUNNING or row.locked_by != worker:
        return None
    return row


def release(row: Operation, status: str, now: datetime, *, due: datetime | None = None, error: str | None = None,
            result: dict[str, Any] | None = None) -> None:
    row.status, row.locked_by, row.locked_until, row.updated_at = status, None, None, now
    if due is not None:
        row.next_attempt_at = due
    if error is not None:
        row.last_error = error
    if result is not None:
        row.result = result


def out(row: Operation) -> OperationOut:
    return OperationOut(row.id, row.enrollment_id, row.customer_id, row.provider, row.kind, row.status, row.attempts,
                        row.next_attempt_at, row.last_error, row.result, row.created_at, row.updated_at)


async def search(session: AsyncSession, caller: Caller, *, status: str | None, provider: str | None,
                 customer_id: str | None, limit: int, offset: int) -> OperationPage:
    if status is not None and status not in STATUSES:
        raise InvalidField("status", f"one of {', '.join(STATUSES)}")
    where = [Operation.partner_id == caller.partner_id]
    where += matching((Operation.status, status), (Operation.provider, provider), (Operation.customer_id, customer_id))
    items, total = await page(session, Operation, where, (Operation.id,), limit, offset, out)
    return OperationPage(items, total, limit, offset)


async def detail(session: AsyncSession, caller: Caller, operation_id: int) -> OperationDetail:
    """One of the caller's operations with every attempt recorded for it, oldest first."""
    row = await owned(session, caller, operation_id)
    tries = await session.scalars(select(OperationAttempt).where(OperationAttempt.operation_id == row.id)
                                  .order_by(OperationAttempt.id))
    history = [AttemptOut(a.worker, a.started_at, a.finished_at, a.outcome, a.error) for a in tries]
    return OperationDetail(row.id, row.enrollment_id, row.customer_id, row.provider, row.kind, row.status, row.attempts,
                           row.next_attempt_at, row.last_error, row.result, row.created_at, row.updated_at, history)


async def owned(session: AsyncSession, caller: Caller, operation_id: int, *, for_update: bool = False) -> Operation:
    """The caller's operation; ``for_update`` locks it for a transition (a retry) until the commit."""
    return await owned_row(session, Operation, caller, operation_id, "operation", for_update=for_update)
