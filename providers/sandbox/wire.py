"""How a sandbox delivers a fault over real HTTP."""
from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
from litestar import Response
from litestar.response import Stream

from .faults import Fault, FaultPlan


class ConnectionDropped(Exception):
    """Raised inside a started response so the server cuts the connection."""


def broken_response() -> Stream:
    """A response that starts and then breaks: the client sees the connection drop."""

    async def body() -> AsyncIterator[bytes]:
        raise ConnectionDropped("sandbox fault: connection dropped")
        yield b""  # pragma: no cover

    return Stream(body(), status_code=200, media_type="application/json")


async def with_faults(plan: FaultPlan, operation: str, apply: Callable[[], Awaitable[Response[Any]]],
                      error_body: Callable[[Fault], Any]) -> Response[Any]:
    """Run ``apply`` as the provider would, unless a fault says otherwise."""
    fault = plan.take(operation)
    if fault is None:
        return await apply()
    if fault.kind == "error":
        return Response(error_body(fault), status_code=fault.status)
    if fault.kind == "throttle":
        return Response(error_body(fault), status_code=429, headers={"Retry-After": str(fault.retry_after)})
    if fault.kind == "slow":
        await anyio.sleep(fault.delay)
        return await apply()
    if fault.kind == "drop":
        return broken_response()
    await apply()  # lost_response: done, but the caller never hears of it
    return broken_response()
