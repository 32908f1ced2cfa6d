from __future__ import annotations

import msgspec
from litestar import get


class Health(msgspec.Struct):
    status: str


@get("/health", tags=["service"], summary="Liveness", sync_to_thread=False)
def health() -> Health:
    return Health(status="ok")
