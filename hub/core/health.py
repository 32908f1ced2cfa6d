from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get


class Health(msgspec.Struct):
    status: str  # "ok", or "degraded" when a provider's circuit is open
    providers: dict[str, str]  # circuit state per provider: closed, open, half_open


@get("/health", tags=["service"], summary="Liveness and each provider's circuit", sync_to_thread=False)
def health(request: Request[Any, Any, Any]) -> Health:
    adapters = getattr(request.app.state, "adapters", None)
    providers = adapters.health() if adapters is not None else {}
    return Health("degraded" if any(state != "closed" for state in providers.values()) else "ok", providers)
