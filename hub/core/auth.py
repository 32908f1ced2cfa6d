"""API keys on every /api/v1 call (Authorization: Bearer <key>), roles, and rate limits.

Limits are counted after authentication, per verified key (however the header is
spelled), and failed authentications per client address: past
``failures_per_address`` a minute, an address gets 429 for any key, without the
key being looked up, until its window closes.
"""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.caller import Caller
from hub.core.exceptions import Forbidden
from hub.core.ratelimit import Monotonic, Verdict, WindowLimiter
from hub.core.verified_keys import VerifiedKeys, digest

# open to all: /health, /schema, /_control (only on a controllable clock, hub/core/control.py); the web pages
# add theirs (they check their own session, hub/web/auth.py)
OPEN_PATHS = ["^/health", "^/schema", "^/_control"]
_VERDICT = "hub.rate_limit"  # the scope key carrying the key's verdict to the response headers


class RateLimits:
    """One app's limiters: requests per verified key, failed authentications per client address."""

    def __init__(self, per_key: int, failures_per_address: int, clock: Monotonic = time.monotonic) -> None:
        self.keys = WindowLimiter(per_key, clock=clock)
        self.failures = WindowLimiter(failures_per_address, clock=clock)

    def use_clock(self, clock: Monotonic) -> None:
        self.keys.clock = self.failures.clock = clock


def presented_key(header: str) -> str | None:
    """The key of ``Bearer <key>``: the scheme in any case, any whitespace around the key."""
    parts = header.split(None, 1)
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1].strip() or None


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The peer the server saw (behind a proxy, what the server was told to trust), never a request header."""
    client = connection.client
    return client.host if client else "unknown"


Verify = Callable[[AsyncSession, str], Awaitable["Caller | None"]]  # a presented key → its caller, or None


class Shortcut(Protocol):
    """An answer some requests get once their caller is verified and counted, before the route (a quote asked
    again: hub/quotes/known.py). ``answer`` sends it and returns None, or returns the ``receive`` to go on with."""

    def applies(self, scope: Scope) -> bool: ...

    async def answer(self, scope: Scope, receive: Receive, send: Send, standing: Any) -> Receive | None: ...


class ApiKeyAuthentication(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, limits: RateLimits, verify: Verify, exclude: list[str] | None = None,
                 cache: VerifiedKeys | None = None, shortcut: Shortcut | None = None) -> None:
        super().__init__(app, exclude=exclude)
        self.limits, self.verify, self.cache, self.shortcut = limits, verify, cache, shortcut

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start" and (verdict := scope.get(_VERDICT)) is not None:
                # appended, not set one by one: no response of an allowed request has them yet (a refusal
                # carries its own and stores no verdict)
                message["headers"] = [*message.get("headers", ()), *verdict.raw_headers()]
            await send(message)

        shortcut = self.shortcut
        if shortcut is None or not shortcut.applies(scope):
            await super().__call__(scope, receive, send_with_limits)
            return
        result = await self.authenticate_request(ASGIConnection(scope))  # as the base class does, then …
        scope["user"], scope["auth"] = result.user, result.auth
        rest = await shortcut.answer(scope, receive, send_with_limits, result.user.standing)  # … maybe the answer
        if rest is not None:
            await self.app(scope, rest, send_with_limits)

    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        failures, keys = self.limits.failures, self.limits.keys
        address = client_address(connection)
        if failures.enabled:
            lockout = failures.check(address)
            if not lockout.allowed:
                raise TooManyRequestsException(
                    detail="too many failed authentications from this address; retry after the delay",
                    headers={"Retry-After": str(lockout.reset)})
        try:
            caller = await self._verify(connection)
        except NotAuthorizedException:
            failures.hit(address)
            raise
        if keys.enabled:
            verdict: Verdict = keys.hit(caller.key_id)
            if not verdict.allowed:
                raise TooManyRequestsException(detail="the rate limit of this API key is reached; retry after the delay",
                                               headers=verdict.headers())
            connection.scope[_VERDICT] = verdict  # type: ignore[literal-required]
        return AuthenticationResult(user=caller, auth=caller.key_id)

    async def _verify(self, connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
        key = presented_key(connection.headers.get("authorization", ""))
        if key is None:
            raise NotAuthorizedException("send the API key as 'Authorization: Bearer <key>'")
        cache = self.cache
        presented = digest(key) if cache is not None and cache.enabled else b""
        caller = cache.get(presented) if presented else None
        if caller is not None:
            return caller
        generation = cache.generation if cache is not None else 0
        async with connection.app.state.db.reads() as session:
            caller = await self.verify(session, key)
        if caller is None:
            raise NotAuthorizedException("unknown or revoked API key")
        if presented:
            cache.put(presented, caller, generation)  # type: ignore[union-attr]
        return caller


def authentication(verify: Verify, per_key: int, failures_per_address: int,
                   open_paths: tuple[str, ...] = (), cache_seconds: float = 0.0,
                   shortcut: Shortcut | None = None) -> DefineMiddleware:
    """Authentication by ``verify`` (the partners' key check, hub/partners/service.py) with both limits
    (``per_key`` requests, ``failures_per_address`` failures a minute; 0 = off), the verified callers kept
    ``cache_seconds`` (hub/core/verified_keys.py; 0 = every request reads the database), and ``shortcut``
    tried once a caller is verified and counted."""
    return DefineMiddleware(ApiKeyAuthentication, limits=RateLimits(per_key, failures_per_address), verify=verify,
                            exclude=[*OPEN_PATHS, *open_paths], cache=VerifiedKeys(cache_seconds), shortcut=shortcut)


def verified_keys(app: Litestar) -> VerifiedKeys:
    """The app's cache of verified callers (tests move its clock)."""
    for middleware in app.middleware:
        if isinstance(middleware, DefineMiddleware) and middleware.middleware is ApiKeyAuthentication:
            return middleware.kwargs["cache"]
    raise LookupError("this app has no API key authentication")


def rate_limits(app: Litestar) -> RateLimits:
    """The app's limiters (tests move their clock with ``use_clock``)."""
    for middleware in app.middleware:
        if isinstance(middleware, DefineMiddleware) and middleware.middleware is ApiKeyAuthentication:
            return middleware.kwargs["limits"]
    raise LookupError("this app has no API key authentication")


def needs(role: str):
    """A guard: the caller's key has at least ``role`` (viewer < operator < admin)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
        caller: Caller = connection.user
        if not caller.may(role):
            raise Forbidden(f"this needs a key with the {role} role; this key is {caller.role}")

    guard.role = role  # type: ignore[attr-defined]  # read by hub/core/openapi.py to document the 403
    return guard
