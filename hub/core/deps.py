"""Dependencies and the idempotent-write helper shared by controllers."""
from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.idempotency import fingerprint, run_once

REPLAYED_HEADER = "Idempotent-Replayed"


async def provide_session(state: State) -> AsyncGenerator[AsyncSession, None]:
    """A read session for GET handlers and reads before a write; changes go through ``idempotent_write``."""
    async with state.db.reads() as session:
        yield session


async def idempotent_write(
    request: Request[Any, Any, Any], status: int, action: Callable[[AsyncSession], Awaitable[msgspec.Struct]],
    same_request: bytes | None = None,
) -> Response[Any]:
    """Run a change once per Idempotency-Key, in one transaction with its audit entry. ``same_request``: what
    makes two requests the same when the raw body cannot (a multipart upload's boundary changes every time)."""
    body = same_request if same_request is not None else await request.body()
    answer = await run_once(
        request.app.state.db.sessions,
        request.user,
        request.headers.get("idempotency-key"),
        fingerprint(request.method, request.url.path, body),
        status,
        action,
    )
    headers = {REPLAYED_HEADER: "true"} if answer.replayed else {}
    return Response(content=answer.body, status_code=answer.status, media_type="application/json", headers=headers)
