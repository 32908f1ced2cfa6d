"""Adapters: one per provider, one contract per partner interface, plus the e-mail channel.

    ProviderAdapter   what every interface offers: its identity, letting a customer in (access)
    ├── ServiceManager  the Fresh family's ext_api: subscriptions, corrections, extensions
    └── RarusCabinet    the Rarus partner cabinet: conversions, changes, the client as it stands
    MailChannel         SMTP: certificate requests and mailbox requests (RULES §5)

Which contract a provider speaks is data: ``PROFILES[provider].interface``; callers ask
``Adapters.service_manager(name)`` or ``Adapters.rarus_cabinet(name)`` and never downcast.

Errors: see ``errors.py`` (Transient, CircuitOpen, Rejected, NotFound, Misconfigured).
``build_adapters(endpoints)`` makes one pooled client per provider for the process, signed in with
the endpoint's (default) credentials; ``Adapters.provider(name, credentials)`` is that adapter
speaking for one partner's own account — same client, same breaker, the partner's auth per call.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from providers import PROFILES

from .base import (
    Extension,
    RarusCabinet,
    CabinetChange,
    CabinetClient,
    CabinetInvoice,
    ServiceManager,
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

    def service_manager(self, name: str, credentials: Credentials | None = None) -> ServiceManager:
        """The Service Manager of ``name`` (a Fresh-family cloud), signed in as above."""
        return self._speaking("service_manager", self.service_managers, name, credentials)

    def rarus_cabinet(self, name: str, credentials: Credentials | None = None) -> RarusCabinet:
        """The Rarus partner cabinet of ``name``, signed in as above."""
        return self._speaking("rarus_cabinet", self.rarus_cabinets, name, credentials)

    def _speaking(self, interface: str, adapters: dict[str, Any], name: str, credentials: Credentials | None) -> Any:
        adapter = adapters.get(name)
        if adapter is None:
            raise Misconfigured(f"{name} does not speak the {interface} interface (providers/profiles.py)", provider=name)
        return adapter if credentials is None else adapter.signed_in(credentials)

    @property
    def service_managers(self) -> dict[str, ServiceManager]:
        return {n: a for n, a in self.providers.items() if PROFILES[n].interface == "service_manager"}  # type: ignore[misc]

    @property
    def rarus_cabinets(self) -> dict[str, RarusCabinet]:
        return {n: a for n, a in self.providers.items() if PROFILES[n].interface == "rarus_cabinet"}  # type: ignore[misc]

    async def close(self) -> None:
        for adapter in self.providers.values():
            await adapter.close()


def _service_manager(name: str, endpoint: Endpoint, timeout: httpx.Timeout, policy: RetryPolicy,
                     breaker: CircuitBreaker) -> ServiceManager:
    channel = HttpChannel(name, endpoint.base_url, auth=(endpoint.login, endpoint.password), timeout=timeout,
                          policy=policy, breaker=breaker)
    return FreshAdapter(name, channel, endpoint.account)


def _rarus_cabinet(name: str, endpoint: Endpoint, timeout: httpx.Timeout, policy: RetryPolicy,
                   breaker: CircuitBreaker) -> RarusCabinet:
    headers = {"Authorization": f"Bearer {endpoint.token}", "X-Partner-Code": endpoint.partner_code}
    return RarusAdapter(HttpChannel(name, endpoint.base_url, headers=headers, timeout=timeout, policy=policy,
                                    breaker=breaker), RarusCredentials(endpoint.token, endpoint.partner_code))


INTERFACES: dict[str, Callable[..., ProviderAdapter]] = {  # Profile.interface → how its adapter is built
    "service_manager": _service_manager,
    "rarus_cabinet": _rarus_cabinet,
}


def build_adapters(endpoints: dict[str, Endpoint], mail: MailEndpoint | None = None, *,
                   policy: RetryPolicy = DEFAULT_POLICY, timeout: httpx.Timeout = DEFAULT_TIMEOUT,
                   breaker_threshold: int = 5, breaker_cooldown: float = 30.0) -> Adapters:
    providers: dict[str, ProviderAdapter] = {}
    breakers: dict[str, CircuitBreaker] = {}
    for name, endpoint in endpoints.items():
        breaker = breakers[name] = CircuitBreaker(name, breaker_threshold, breaker_cooldown)
        providers[name] = INTERFACES[PROFILES[name].interface](name, endpoint, timeout, policy, breaker)
    channel = MailChannel(mail.host, mail.port, mail.sender, policy=policy) if mail else None
    return Adapters(providers, channel, breakers)


__all__ = [
    "Extension", "RarusCabinet", "CabinetChange", "CabinetClient", "CabinetInvoice", "ServiceManager",
    "AccessHandle", "AccessRequest", "AccessStatus", "AdapterError", "Adapters", "ProviderSubscription", "SubscriptionOrder", "CertificateRequest", "CircuitBreaker",
    "CircuitOpen", "Credentials", "DEFAULT_LIMITS", "DEFAULT_POLICY", "DEFAULT_TIMEOUT", "Endpoint", "FreshAdapter",
    "FreshCredentials", "HttpChannel", "MailChannel", "MailEndpoint", "Misconfigured", "NotFound", "ProviderAdapter",
    "RarusAdapter", "RarusCredentials", "Rejected",
    "RetryPolicy", "Transient", "User", "build_adapters", "compose_certificate_request", "parse_retry_after",
    "retry_delay", "should_retry", "with_retries",
]
