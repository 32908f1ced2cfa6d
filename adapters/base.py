"""The one interface every provider adapter offers, and its normalised results."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol


@dataclass(frozen=True)
class User:
    name: str
    email: str
    phone: str | None = None


@dataclass(frozen=True)
class AccessRequest:
    """Ask a provider to let a customer in: an invitation (Fresh family) or a trial request (Rarus)."""

    customer_name: str
    users: tuple[User, ...]
    tariff: str | None = None
    inn: str | None = None
    phone: str | None = None
    timezone: str = "Europe/Moscow"
    products: tuple[str, ...] = ()
    partner_code: str | None = None
    partner_name: str | None = None

    @property
    def owner(self) -> User:
        return self.users[0]


@dataclass(frozen=True)
class AccessHandle:
    reference: str  # the provider's id of the invitation or trial request
    reused: bool = False  # found already made at the provider, not made by this call


@dataclass(frozen=True)
class AccessStatus:
    active: bool
    account: str | None = None  # subscriber number (Fresh family) or login (Rarus)
    trial_end: date | None = None
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class FreshCredentials:
    """How one partner signs in at a Service Manager (ext_api): its partner user and its own subscriber number."""

    login: str
    password: str = field(repr=False)
    account: int


@dataclass(frozen=True)
class RarusCredentials:
    """How one partner signs in at its Rarus cabinet: the token and the 4-character partner code (RA-ONB-08)."""

    token: str = field(repr=False)
    partner_code: str


Credentials = FreshCredentials | RarusCredentials


class ProviderAdapter(Protocol):
    provider: str

    @property
    def identity(self) -> str:
        """The partner account the adapter speaks for (a subscriber number, a Rarus partner code)."""
        ...

    def signed_in(self, credentials: Credentials) -> ProviderAdapter:
        """The same adapter — the same pooled client and breaker — speaking for another partner account."""
        ...

    async def request_access(self, request: AccessRequest) -> AccessHandle: ...

    async def access_status(self, handle: AccessHandle) -> AccessStatus: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class SubscriptionOrder:
    """A paid subscription to create at a Fresh-family provider (what the Service Manager needs)."""

    subscriber: int
    kind: str  # main | addon_sessions | addon_bases | upgrade
    tariff: str
    start: date
    months: int | None = None
    quantity: int = 1
    main_number: int | None = None  # the provider's number of the main subscription (add-ons, upgrades)
    card: dict[str, object] = field(default_factory=dict)  # the subscriber card to make sure of first (FAM-ONB-04)


@dataclass(frozen=True)
class ProviderSubscription:
    number: int
    start: date
    end: date
    retail: str
    discount_percent: int
    amount: str
    reused: bool = False
