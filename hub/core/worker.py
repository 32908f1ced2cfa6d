"""The outbox worker: a claim-run-record loop. Claims due operations, runs each through the step its
feature registered (hub/core/steps.py), records every attempt, and lets the step's recorder record the
outcome in the same transaction; now and then it runs the time-driven duties (``sweeps``).

Started by `hub worker`, and inside `hub serve` in the embedded default; assembled by the composition
root (hub/composition.py). Several may run on one PostgreSQL; each row is leased to one worker at a
time (see hub/core/outbox.py). Time comes only from the injected clock.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from adapters import AdapterError, RetryPolicy, Transient, retry_delay
from hub.core import outbox
from hub.core.clock import Clock
from hub.core.db import Database, Operation, OperationAttempt
from hub.core.steps import OK, REJECTED, TRANSIENT, WAITING, Outcome, Step

log = logging.getLogger("hub.core.worker")
Sweep = Callable[[AsyncSession, datetime], Awaitable[None]]  # a time-driven duty, run in one transaction


@dataclass(frozen=True)
class WorkerSettings:
    batch: int = 20
    lease: timedelta = timedelta(seconds=120)  # longer than any call with its retries
    poll_every: timedelta = timedelta(seconds=30)
    idle: float = 0.5  # seconds between empty rounds
    sweep_every: timedelta = timedelta(seconds=60)  # trials ending, transfers past 24 h, notices due
    retry: RetryPolicy = RetryPolicy(attempts=12, base=1.0, cap=300.0, total=3600.0)  # the outbox's own pace
    mail_from: str = "hub@partner.local"


class Worker:
    def __init__(self, db: Database, steps: dict[str, Step], sweeps: Sequence[Sweep], clock: Clock,
                 settings: WorkerSettings = WorkerSettings(), name: str | None = None) -> None:
        self.db, self.steps, self.sweeps, self.clock, self.settings = db, steps, tuple(sweeps), clock, settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._swept_at: datetime | None = None

    async def execute(self, operation: Operation) -> Outcome:
        step = self.steps.get(operation.kind)
        if step is None:
            return Outcome(REJECTED, error=f"unknown operation kind {operation.kind!r}")
        try:
            return await step.run(operation)
        except Transient as exc:
            return Outcome(TRANSIENT, error=exc.message, retry_after=exc.retry_after)
        except AdapterError as exc:  # refused, not found, misconfigured: retrying will not help
            return Outcome(REJECTED, error=f"{type(exc).__name__}: {exc.message}", rule=exc.rule)
        except Exception as exc:  # a bug or an unforeseen failure: keep the row, retry later, log it
            log.exception("operation %s failed unexpectedly", operation.id)
            return Outcome(TRANSIENT, error=f"{type(exc).__name__}: {exc}")

    # --- the loop -------------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    async def run_once(self) -> int:
        """One round: claim due rows, run them concurrently, record the outcomes, sweep trials."""
        async with self.db.sessions() as session:
            claimed = await outbox.claim(session, self.name, self.now(), self.settings.batch, self.settings.lease,
                                         skip_locked=not self.db.is_sqlite)
        await asyncio.gather(*(self._run(operation) for operation in claimed))
        now = self.now()
        if self._swept_at is None or now - self._swept_at >= self.settings.sweep_every:
            await self.sweep(now)
            self._swept_at = now
        return len(claimed)

    async def sweep(self, now: datetime) -> None:
        """The time-driven duties the features registered: trials ending, unanswered transfers, notices due."""
        async with self.db.sessions() as session:
            for duty in self.sweeps:
                await duty(session, now)
            await session.commit()

    async def _run(self, operation: Operation) -> None:
        started = self.now()
        outcome = await self.execute(operation)
        await self._record(operation.id, started, outcome)

    async def _record(self, operation_id: int, started: datetime, outcome: Outcome) -> None:
        now = self.now()
        async with self.db.sessions() as session:
            row = await outbox.held(session, operation_id, self.name)
            if row is None:  # the lease ran out and another worker took the row: its run counts, not ours
                return
            session.add(OperationAttempt(operation_id=row.id, worker=self.name, started_at=started, finished_at=now,
                                         outcome=outcome.kind, error=outcome.error))
            recorder = self.steps[row.kind].recorder if row.kind in self.steps else None
            if outcome.kind == OK:
                outbox.release(row, outbox.SUCCEEDED, now, result=_stored(outcome.result))
                if recorder is not None:
                    await recorder.step_succeeded(session, row, outcome.result, now)
            elif outcome.kind == WAITING:
                row.attempts = 0  # waiting is not failing
                outbox.release(row, outbox.PENDING, now, due=now + self.settings.poll_every)
            elif outcome.kind == TRANSIENT and row.attempts < row.max_attempts:
                delay = retry_delay(row.attempts, outcome.retry_after, self.settings.retry)
                outbox.release(row, outbox.PENDING, now, due=now + timedelta(seconds=delay), error=outcome.error)
            else:
                error = outcome.error or "failed"
                if outcome.kind == TRANSIENT:
                    error = f"gave up after {row.attempts} attempts: {error}"
                outbox.release(row, outbox.FAILED, now, error=error)
                if recorder is not None:
                    await recorder.step_failed(session, row, error, outcome.rule, now)
            await session.commit()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("worker round failed")
                busy = 0
            if not busy:
                try:
                    await asyncio.wait_for(stop.wait(), self.settings.idle)
                except asyncio.TimeoutError:
                    pass


def _stored(result: object) -> dict[str, object] | None:
    """The typed result as the JSON the operation keeps (GET /api/v1/operations/{id})."""
    return None if result is None else msgspec.to_builtins(result)
