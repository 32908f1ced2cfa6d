"""One pooled httpx client per provider, behind its circuit breaker and retry policy."""
from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, TypeVar

import httpx

from .breaker import CircuitBreaker
from .errors import Misconfigured, Transient
from .retry import DEFAULT_POLICY, RetryPolicy, parse_retry_after, retryable_status, with_retries

T = TypeVar("T")
DEFAULT_TIMEOUT = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=5.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0)
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@cache
def tls() -> ssl.SSLContext:
    """One verifying TLS context (certifi's roots) for every provider's client: loading the roots takes
    ≈30 ms, once per client it was most of the hub's start-up after the imports (issue 15)."""
    return httpx.create_ssl_context()


class HttpChannel:
    def __init__(self, provider: str, base_url: str, *, auth: Any = None, headers: dict[str, str] | None = None,
                 timeout: httpx.Timeout = DEFAULT_TIMEOUT, limits: httpx.Limits = DEFAULT_LIMITS,
                 policy: RetryPolicy = DEFAULT_POLICY, breaker: CircuitBreaker | None = None,
                 sleep: Callable[[float], Awaitable[None]] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None, settle: float | None = None) -> None:
        self.provider, self.policy, self.sleep = provider, policy, sleep
        # after a mutating request went out and no answer came back, the provider may still be applying it:
        # wait this long before looking whether it happened, so a retry never races the first request
        self.settle = settle if settle is not None else 2 * (timeout.read or 10.0) + 1.0
        self.breaker = breaker or CircuitBreaker(provider)
        self._options: dict[str, Any] = {"base_url": base_url, "auth": auth, "headers": headers, "timeout": timeout,
                                         "limits": limits, "transport": transport}
        self._client: httpx.AsyncClient | None = None

    def default_header(self, name: str) -> str | None:
        """A header every request of this channel carries (as configured; the client need not exist yet)."""
        return httpx.Headers(self._options["headers"] or {}).get(name)

    @property
    def client(self) -> httpx.AsyncClient:
        """Made with the first call to the provider: a hub that never calls one does not load httpcore and the
        TLS roots at start (issue 15's cold start)."""
        if self._client is None:
            self._client = httpx.AsyncClient(**self._options, verify=tls())
        return self._client

    async def send(self, method: str, url: str, *, mutating: bool = False, **kwargs: Any) -> httpx.Response:
        """One attempt. Transport trouble, 408, 429 and 5xx are Transient; 401/403 Misconfigured.
        A ``mutating`` request that went out unanswered is Transient with ``retry_after`` = the settle time."""
        try:
            response = await self.client.request(method, url, **kwargs)
        except (httpx.LocalProtocolError, UnicodeEncodeError) as exc:  # a credential no header can carry
            raise Misconfigured(f"{self.provider}: the stored credentials cannot be sent in an HTTP header "
                                f"({type(exc).__name__}); store them again", provider=self.provider) from None
        except NOT_SENT as exc:  # nothing reached the provider
            raise Transient(f"{self.provider}: {type(exc).__name__}: {exc}", provider=self.provider) from exc
        except httpx.TransportError as exc:  # sent; the answer timed out or the connection broke
            raise Transient(f"{self.provider}: {type(exc).__name__}: {exc}", provider=self.provider,
                            retry_after=self.settle if mutating else None) from exc
        if retryable_status(response.status_code):
            raise Transient(f"{self.provider}: HTTP {response.status_code}", provider=self.provider,
                            code=response.status_code, retry_after=parse_retry_after(response.headers.get("retry-after")))
        if response.status_code in (401, 403):
            raise Misconfigured(f"{self.provider}: HTTP {response.status_code}: check the credentials and account",
                                provider=self.provider, code=response.status_code)
        return response

    async def call(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt`` with retries, every try passing the breaker."""

        async def guarded() -> T:
            self.breaker.before_call()
            try:
                result = await attempt()
            except Transient:
                self.breaker.failure()
                raise
            self.breaker.success()
            return result

        return await with_retries(guarded, self.policy, self.sleep)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
