"""The control API every sandbox shares: its clock, its faults and statement defects."""
from __future__ import annotations

import inspect
from datetime import datetime
from typing import Any

import msgspec
from litestar import Router, delete, get, post
from litestar.exceptions import ValidationException
from litestar.params import JSONBody

from .clock import SandboxClock
from .faults import Fault, FaultPlan, StatementDefects

CONTROL = "/_control"


class ClockMove(msgspec.Struct, forbid_unknown_fields=True):
    advance_seconds: float | None = None
    set: datetime | None = None


class ClockOut(msgspec.Struct):
    now: datetime


def control_router(clock: SandboxClock, plan: FaultPlan, *handlers: Any, on_clock: Any = None) -> Router:
    """/_control/clock, /_control/faults, /_control/statement-defects, plus the sandbox's own handlers."""

    @get("/clock", sync_to_thread=False)
    def read_clock() -> ClockOut:
        return ClockOut(clock.now())

    @post("/clock", status_code=200)
    async def move_clock(data: JSONBody[ClockMove]) -> ClockOut:
        try:
            if data.set is not None:
                clock.set(data.set)
            if data.advance_seconds is not None:
                clock.advance(data.advance_seconds)
        except ValueError as exc:
            raise ValidationException(str(exc)) from None
        if on_clock is not None:
            result = on_clock()
            if inspect.isawaitable(result):
                await result
        return ClockOut(clock.now())

    @post("/faults", status_code=201, sync_to_thread=False)
    def add_fault(data: JSONBody[Fault]) -> list[Fault]:
        plan.add(data)
        return plan.faults

    @get("/faults", sync_to_thread=False)
    def list_faults() -> dict[str, Any]:
        return {"faults": plan.faults, "statement_defects": plan.statements, "hits": plan.hits}

    @delete("/faults", status_code=204, sync_to_thread=False)
    def clear_faults() -> None:
        plan.clear()

    @post("/statement-defects", status_code=200, sync_to_thread=False)
    def set_defects(data: JSONBody[StatementDefects]) -> StatementDefects:
        plan.statements = data
        return data

    return Router(CONTROL, route_handlers=[read_clock, move_clock, add_fault, list_faults, clear_faults, set_defects,
                                           *handlers])
