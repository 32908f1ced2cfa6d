"""Tables. Every row that belongs to a partner carries ``partner_id``; queries filter by it."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (BigInteger, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint,
                        false, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hub.core.clock import utcnow  # column defaults only: services stamp times from the injected clock
from hub.core.db.types import StructJSON, UTCDateTime




def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(300))
    standing: Mapped[dict[str, Any]] = mapped_column(StructJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (Index("ix_customers_partner_name", "partner_id", "legal_name_folded"),  # and one own organisation:
                      Index("uq_customers_one_own", "partner_id", unique=True,
                            sqlite_where=text("own"), postgresql_where=text("own")))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    legal_name: Mapped[str] = mapped_column(String(500))
    legal_name_folded: Mapped[str] = mapped_column(String(500))  # casefolded for search (SQLite folds ASCII only)
    country: Mapped[str] = mapped_column(String(2))
    inn: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    kpp: Mapped[str | None] = mapped_column(String(9), nullable=True)
    bin_iin: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    new_to_1c: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    its: Mapped[dict[str, Any] | None] = mapped_column(StructJSON, nullable=True)
    own: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # the partner's own organisation
    accounts: Mapped[dict[str, Any]] = mapped_column(StructJSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyRecord(Base):
    """The first answer to a mutating call with an Idempotency-Key, replayed on a retry."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("partner_id", "key", name="uq_idempotency_partner_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AuditEntry(Base):
    """Append-only: who changed what, when, before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    api_key_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    actor: Mapped[str] = mapped_column(String(100))
    resource: Mapped[str] = mapped_column(String(50))
    resource_id: Mapped[str] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(StructJSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(StructJSON, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Enrollment(Base):
    """One customer × provider onboarding, a state machine whose steps come from the provider profile."""

    __tablename__ = "enrollments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    tariff: Mapped[str | None] = mapped_column(String(200), nullable=True)
    products: Mapped[list[str]] = mapped_column(StructJSON, default=list)
    users: Mapped[list[dict[str, Any]]] = mapped_column(StructJSON, default=list)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)  # invitation / trial request id
    account: Mapped[str | None] = mapped_column(String(100), nullable=True)  # subscriber number / login
    certificates_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    certificates_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    access_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    trial_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    gates_passed: Mapped[dict[str, str]] = mapped_column(StructJSON, default=dict)  # gate → ISO instant (0012)
    failure: Mapped[str | None] = mapped_column(Text, nullable=True)
    failed_in: Mapped[str | None] = mapped_column(String(30), nullable=True)
    trial_ending_noticed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Operation(Base):
    """The outbox: one outbound step, written in the transaction of the state change that needs it."""

    __tablename__ = "operations"
    __table_args__ = (Index("ix_operations_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    enrollment_id: Mapped[str | None] = mapped_column(ForeignKey("enrollments.id"), nullable=True, index=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    provider: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(StructJSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending running succeeded failed cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=12)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(StructJSON, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OperationAttempt(Base):
    __tablename__ = "operation_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), index=True)
    worker: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20))  # ok waiting transient rejected error
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class InboundMessage(Base):
    """A provider's e-mail answer as received (`POST /api/v1/inbound/mail`), kept until the enrollment
    can take it: ``outcome`` says what was done (hub/onboarding/service.py, MAIL_OUTCOMES)."""

    __tablename__ = "inbound_mail"
    __table_args__ = (Index("ix_inbound_mail_enrollment_outcome", "enrollment_id", "outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    enrollment_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    operation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    in_reply_to: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    sender: Mapped[str | None] = mapped_column(String(320), nullable=True)
    answer: Mapped[str | None] = mapped_column(String(20), nullable=True)  # issued | rejected | accepted
    outcome: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Event(Base):
    """What happened to enrollments, for `GET /api/v1/events` (``seq`` is the cursor, shown as the id)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    enrollment_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(StructJSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the position in the partner's feed and the public cursor, given at commit (hub/core/events.py)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("uq_events_partner_seq", "partner_id", "seq", unique=True),)


class EventCounter(Base):
    """Each partner's last feed position; the committing transaction that emitted events holds its row."""

    __tablename__ = "event_counters"

    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger)


class Subscription(Base):
    """A paid subscription (or a Rarus conversion/change) as the hub ordered it and the provider confirmed it."""

    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # main addon_sessions addon_bases upgrade conversion change
    pricing_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    tariff: Mapped[str] = mapped_column(String(200))
    tariff_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date, index=True)
    months_charged: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    retail: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    discount_percent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    partner_cost: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    partner_monthly: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    customer_price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    invoice_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    paid_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    payment_document: Mapped[str | None] = mapped_column(String(200), nullable=True)
    main_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    seat_plan: Mapped[list[dict[str, Any]] | None] = mapped_column(StructJSON, nullable=True)
    options: Mapped[list[str] | None] = mapped_column(StructJSON, nullable=True)  # Rarus options the hub priced
    rules: Mapped[list[str]] = mapped_column(StructJSON, default=list)
    status: Mapped[str] = mapped_column(String(20), index=True)  # requested awaiting_payment active failed
    provider_number: Mapped[str | None] = mapped_column(String(50), nullable=True)
    provider_data: Mapped[dict[str, Any] | None] = mapped_column(StructJSON, nullable=True)
    # where the provider's figures differ from the hub's: [{field, expected, provider, cause, found_at, step}]
    discrepancies: Mapped[list[dict[str, Any]] | None] = mapped_column(StructJSON, nullable=True)
    failure: Mapped[str | None] = mapped_column(Text, nullable=True)
    extension: Mapped[str | None] = mapped_column(String(20), nullable=True)  # self_extension | promised_payment
    extended_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Departure(Base):
    """A customer leaving a provider: churn with its reason (FAM-SUB-15), or a move between local ITS and the cloud."""

    __tablename__ = "departures"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))  # churn | transition
    reason: Mapped[str | None] = mapped_column(String(50), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    direction: Mapped[str | None] = mapped_column(String(20), nullable=True)  # to_local_its | from_local_its
    left_on: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Transfer(Base):
    """A customer moving between partners (FR-SUB-16, FK-SUB-16)."""

    __tablename__ = "transfers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10))  # outgoing | incoming
    other_partner: Mapped[str] = mapped_column(String(300))
    subscription_end: Mapped[date] = mapped_column(Date)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer_by: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    early: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), index=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoticeSent(Base):
    """A customer expiry notice (FAM-SUB-14): one per subscription and offset, whatever happens."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("subscription_id", "offset_days", name="uq_notice_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id"))
    offset_days: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    to: Mapped[str | None] = mapped_column(String(320), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProviderCredential(Base):
    """A partner's own account at one provider. ``account`` is not secret (the Service Manager subscriber
    number, or the Rarus partner code); ``secret`` is the Fernet token of the login/password or the token."""

    __tablename__ = "provider_credentials"
    __table_args__ = (UniqueConstraint("partner_id", "provider", name="uq_provider_credentials_partner_provider"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(String(100))
    secret: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
