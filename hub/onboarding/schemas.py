"""Enrollments, operations and events as the API shows them."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from pricing.fields import Code, Email, Name, line, text
from providers import ProviderName as Provider

from hub.core.paging import Page
from hub.core.schemas import Input
from hub.core.timezones import check_timezone


_In = Input  # the request base every feature shares (hub/core/schemas.py)


class EnrolledUser(_In):
    name: Name
    email: Email
    phone: line(32) | None = None


class EnrollmentCreate(_In):
    provider: Provider
    users: Annotated[list[EnrolledUser], Meta(min_length=1, max_length=100)]
    tariff: line(200) | None = None  # the test tariff (medicine) or a promotion's initial tariff (FAM-ONB-03)
    products: Annotated[list[Code], Meta(max_length=20)] = []  # Rarus: the configurations to try
    timezone: line(64) = "Europe/Moscow"  # an IANA time zone

    def __post_init__(self) -> None:
        check_timezone(self.timezone)


class Step(msgspec.Struct):
    step: str
    status: Literal["done", "in_progress", "waiting", "pending", "failed"]
    waiting_for: str | None = None
    expected_at: str | None = None  # an ISO instant (batches, credentials) or date (trial end)
    rule: str | None = None
    # while the step's outbox operation is being retried (or gave up): which one, its tries and last error
    operation_id: int | None = None
    attempts: int | None = None
    last_error: str | None = None


class EnrollmentOut(msgspec.Struct):
    id: str
    customer_id: str
    provider: str
    state: str
    tariff: str | None
    products: list[str]
    users: list[dict[str, Any]]
    reference: str | None
    account: str | None
    trial_end: date | None
    steps: list[Step]
    gates: list[dict[str, Any]]
    failure: str | None
    created_at: datetime
    updated_at: datetime


class EnrollmentPage(Page[EnrollmentOut]):
    items: list[EnrollmentOut]  # restated for OpenAPI (see Page)


class InboundMail(_In):
    """A provider's e-mail answer, forwarded to the hub (e.g. by the partner's mail server)."""

    subject: line(998)
    in_reply_to: line(998)
    body: text(100_000) = ""
    sender: Email | None = None


MailOutcome = Literal["applied", "stored_until_request_sent", "already_applied", "not_applicable", "noted",
                      "unrecognised", "unmatched"]


class InboundResult(msgspec.Struct):
    """What the hub did with a forwarded answer (README, "Onboarding"); the mail is stored whatever it was."""

    matched: bool  # In-Reply-To names one of the partner's requests
    enrollment_id: str | None
    answer: str | None  # what the subject says: issued | rejected | accepted (per the provider profile)
    outcome: MailOutcome
    detail: str
