"""API keys on every /api/v1 call (Authorization: Bearer <key>), roles, and rate limits per key."""
from __future__ import annotations

import hashlib
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig, get_remote_address

from .caller import Caller
from .exceptions import Forbidden
from .services.partners import authenticate

OPEN_PATHS = ["^/health", "^/schema"]


class ApiKeyAuthentication(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("send the API key as 'Authorization: Bearer <key>'")
        async with connection.app.state.db.reads() as session:
            caller = await authenticate(session, token.strip())
        if caller is None:
            raise NotAuthorizedException("unknown or revoked API key")
        return AuthenticationResult(user=caller, auth=caller.key_id)


def authentication() -> DefineMiddleware:
    return DefineMiddleware(ApiKeyAuthentication, exclude=OPEN_PATHS)


def needs(role: str):
    """A guard: the caller's key has at least ``role`` (viewer < operator < admin)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
        caller: Caller = connection.user
        if not caller.may(role):
            raise Forbidden(f"this needs a key with the {role} role; this key is {caller.role}")

    return guard


def _rate_identity(request: Any) -> str:
    """Limits count per presented key (hashed, never stored in clear); anonymous calls per address."""
    header = request.headers.get("authorization")
    if header:
        return "key:" + hashlib.sha256(header.encode()).hexdigest()[:24]
    return "addr:" + get_remote_address(request)


def rate_limit(per_minute: int) -> RateLimitConfig:
    return RateLimitConfig(rate_limit=("minute", per_minute), exclude=OPEN_PATHS, identifier_for_request=_rate_identity)
