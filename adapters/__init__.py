"""Adapters: one per provider behind one ``ProviderAdapter`` interface, plus the e-mail channel.

Errors: see ``errors.py`` (Transient, CircuitOpen, Rejected, NotFound, Misconfigured).
``build_adapters(endpoints)`` makes one pooled client per provider for the process, signed in with
the endpoint's (default) credentials; ``Adapters.provider(name, credentials)`` is that adapter
speaking for one partner's own account — same client, same breaker, the partner's auth per call.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from providers import PROFILES

from .base import (
    AccessHandle,
    AccessRequest,
    AccessStatus,
    Credentials,
    FreshCredentials,
    ProviderAdapter,
    ProviderSubscription,
    RarusCredentials,
    SubscriptionOrder,
    User,
)
from .breaker import CircuitBreaker
from .errors import AdapterError, CircuitOpen, Misconfigured, NotFound, Rejected, Transient
from .fresh import FreshAdapter
from .http import DEFAULT_LIMITS, DEFAULT_TIMEOUT, HttpChannel
from .mail import CertificateRequest, MailChannel, compose_certificate_request
from .rarus import RarusAdapter
from .retry import DEFAULT_POLICY, RetryPolicy, parse_retry_after, retry_delay, should_retry, with_retries



@dataclass(frozen=True)
class Endpoint:
    """Where a provider is and how the partner signs in there."""

    base_url: str
    login: str = "partner"
    password: str = field(default="sandbox", repr=False)
    account: int = 48  # Service Manager: the partner's own subscriber number
    token: str = field(default="sandbox-token", repr=False)  # Rarus cabinet
    partner_code: str = "0320"  # Rarus cabinet, 4 characters (RA-ONB-08)


@dataclass(frozen=True)
class MailEndpoint:
    host: str
    port: int
    sender: str


@dataclass
class Adapters:
    providers: dict[str, ProviderAdapter]
    mail: MailChannel | None
    breakers: dict[str, CircuitBreaker] = field(default_factory=dict)

    def health(self) -> dict[str, str]:
        return {name: breaker.state for name, breaker in self.breakers.items()}

    def provider(self, name: str, credentials: Credentials | None = None) -> ProviderAdapter:
        """The adapter of ``name``: with the hub's default account, or signed in with a partner's own."""
        adapter = self.providers[name]
        return adapter if credentials is None else adapter.signed_in(credentials)

    async def close(self) -> None:
        for adapter in self.providers.values():
            await adapter.close()


def build_adapters(endpoints: dict[str, Endpoint], mail: MailEndpoint | None = None, *,
                   policy: RetryPolicy = DEFAULT_POLICY, timeout: httpx.Timeout = DEFAULT_TIMEOUT,
                   breaker_threshold: int = 5, breaker_cooldown: float = 30.0) -> Adapters:
    providers: dict[str, ProviderAdapter] = {}
    breakers: dict[str, CircuitBreaker] = {}
    for name, endpoint in endpoints.items():
        breaker = breakers[name] = CircuitBreaker(name, breaker_threshold, breaker_cooldown)
        if PROFILES[name].interface == "service_manager":
            channel = HttpChannel(name, endpoint.base_url, auth=(endpoint.login, endpoint.password), timeout=timeout,
                                  policy=policy, breaker=breaker)
            providers[name] = FreshAdapter(name, channel, endpoint.account)
        elif PROFILES[name].interface == "rarus_cabinet":
            credentials = RarusCredentials(endpoint.token, endpoint.partner_code)
            headers = {"Authorization": f"Bearer {endpoint.token}", "X-Partner-Code": endpoint.partner_code}
            providers[name] = RarusAdapter(HttpChannel(name, endpoint.base_url, headers=headers, timeout=timeout,
                                                       policy=policy, breaker=breaker), credentials)
    channel = MailChannel(mail.host, mail.port, mail.sender, policy=policy) if mail else None
    return Adapters(providers, channel, breakers)


__all__ = [
    "AccessHandle", "AccessRequest", "AccessStatus", "AdapterError", "Adapters", "ProviderSubscription", "SubscriptionOrder", "CertificateRequest", "CircuitBreaker",
    "CircuitOpen", "Credentials", "DEFAULT_LIMITS", "DEFAULT_POLICY", "DEFAULT_TIMEOUT", "Endpoint", "FreshAdapter",
    "FreshCredentials", "HttpChannel", "MailChannel", "MailEndpoint", "Misconfigured", "NotFound", "ProviderAdapter",
    "RarusAdapter", "RarusCredentials", "Rejected",
    "RetryPolicy", "Transient", "User", "build_adapters", "compose_certificate_request", "parse_retry_after",
    "retry_delay", "should_retry", "with_retries",
]
