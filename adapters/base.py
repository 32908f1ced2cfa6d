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
    comment: str | None = None  # Rarus: «Комментарии» of the trial request (RA-ONB-07: the partner's own access)

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
    """What every partner interface offers: who it speaks for, and letting a customer in."""

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
    """A subscription as the Service Manager reports it (made, found, or corrected)."""

    number: int
    start: date
    end: date
    retail: str
    discount_percent: int
    amount: str
    reused: bool = False
    months_charged: int | None = None
    partner_monthly: str | None = None


@dataclass(frozen=True)
class Extension:
    """The free 7-day extension (FAM-SUB-06) or the promised payment (FAM-SUB-07) the provider holds."""

    extension: str
    extended_until: date
    reused: bool = False


@dataclass(frozen=True)
class CabinetInvoice:
    """An invoice of the Rarus cabinet: a conversion (RA-BILL-01), a renewal or a surcharge (RA-BILL-02)."""

    id: int
    kind: str
    period_start: date
    period_end: date
    amount: str
    months: dict[str, str] = field(default_factory=dict)  # what each calendar month of the period is paid
    status: str = "unpaid"


@dataclass(frozen=True)
class CabinetChange:
    """A paying client's change (RA-BILL-02): applied at once, or waiting for its surcharge invoice."""

    applied: bool
    already: bool = False
    surcharge_invoice: int | None = None
    amount: str | None = None
    monthly: str | None = None
    advance: str | None = None


@dataclass(frozen=True)
class CabinetClient:
    """A client of the Rarus cabinet as it stands: status, monthly price, paid period, what it holds."""

    login: str
    status: str
    monthly: str
    paid_through: date | None
    seat_plan: list[dict[str, object]]
    options: list[str] = field(default_factory=list)
    pending_change: dict[str, object] | None = None
    attributed: bool | None = None  # to the partner (RA-ONB-06: not when it registered through the site)


class ServiceManager(ProviderAdapter, Protocol):
    """A Fresh-family Service Manager (ext_api): subscriptions, corrections, extensions."""

    async def create_subscription(self, order: SubscriptionOrder) -> ProviderSubscription: ...

    async def correct(self, number: int, start: date | None, months: int | None) -> ProviderSubscription: ...

    async def prolong(self, number: int) -> Extension: ...

    async def add_users(self, subscriber: str, users: tuple[User, ...]) -> list[str]:
        """Further users of a subscriber after their certificates (MED-ONB-02); the e-mails it has users for."""
        ...

    async def fetch_statement(self, month: str) -> bytes:
        """The partner's invoice statement of ``month`` ("2026-12") as the provider publishes it (CSV)."""
        ...


class RarusCabinet(ProviderAdapter, Protocol):
    """The Rarus partner cabinet: conversions, changes, and the client as it stands."""

    async def convert(self, login: str, seat_plan: list[dict[str, object]], months: int,
                      options: list[str] | None = None) -> CabinetInvoice: ...

    async def change(self, login: str, seat_plan: list[dict[str, object]],
                     options: list[str] | None = None) -> CabinetChange: ...

    async def client(self, login: str) -> CabinetClient: ...

    async def fetch_agent_report(self, year: int, quarter: int) -> bytes:
        """The agent report of a quarter (CSV); NotFound with rule RA-COMM-03 when the cabinet has none."""
        ...
