"""POST /_control/clock for a hub on a controllable clock (HUB_CLOCK=controllable, `hub up --demo`).

Like the sandboxes' control API, and unauthenticated like it: it exists only when the setting asks for
it, for demos and tests. Moving the hub's clock moves the sandboxes' too (the providers' URLs of the
settings), so trials end, notices fall due and transfers auto-approve on both sides at once.
"""
from __future__ import annotations

from datetime import datetime

import httpx
import msgspec
from litestar import Router, get, post
from litestar.params import JSONBody

from hub.core.clock import ControllableClock
from hub.core.exceptions import InvalidField


class ClockMove(msgspec.Struct, forbid_unknown_fields=True):
    advance_seconds: float | None = msgspec.field(default=None)
    set: datetime | None = None
    sandboxes: bool = True  # move the providers' sandboxes too


class ClockOut(msgspec.Struct):
    now: datetime
    sandboxes: dict[str, str] = msgspec.field(default_factory=dict)  # provider → its clock, or why it did not move


MAX_ADVANCE = 10 * 366 * 86400  # ten years


def control_router(clock: ControllableClock, provider_urls: dict[str, str], after_move: object = None) -> Router:
    @get("/clock", sync_to_thread=False, include_in_schema=False)
    def read_clock() -> ClockOut:
        return ClockOut(clock.now())

    @post("/clock", status_code=200, include_in_schema=False)
    async def move_clock(data: JSONBody[ClockMove]) -> ClockOut:
        if data.advance_seconds is not None and not 0 <= data.advance_seconds <= MAX_ADVANCE:
            raise InvalidField("advance_seconds", f"between 0 and {MAX_ADVANCE} seconds: the clock only moves forward")
        try:
            if data.set is not None:
                clock.set(data.set)
            if data.advance_seconds:
                clock.advance(data.advance_seconds)
        except ValueError as exc:
            raise InvalidField("set", str(exc)) from None
        moved = await _move_sandboxes(clock.now(), provider_urls) if data.sandboxes else {}
        if callable(after_move):
            await after_move()
        return ClockOut(clock.now(), moved)

    return Router("/_control", route_handlers=[read_clock, move_clock])


async def _move_sandboxes(now: datetime, provider_urls: dict[str, str]) -> dict[str, str]:
    """Set every sandbox's clock to the hub's (never backwards: a sandbox ahead keeps its time)."""
    moved: dict[str, str] = {}
    async with httpx.AsyncClient(timeout=5.0) as client:
        for provider, url in provider_urls.items():
            try:
                current = (await client.get(f"{url}/_control/clock")).json()["now"]
                if datetime.fromisoformat(current) >= now:
                    moved[provider] = current
                    continue
                answer = await client.post(f"{url}/_control/clock", json={"set": now.isoformat()})
                moved[provider] = answer.json()["now"] if answer.status_code == 200 else f"not moved: {answer.status_code}"
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                moved[provider] = f"not moved: {type(exc).__name__}"
    return moved
