"""The shapes of letters: what the operator sends, the kinds with their fields, and every e-mail as listed."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from pricing.fields import Code, line, text

from hub.core.schemas import Input

FieldName = Annotated[str, Meta(pattern=r"^[a-z_]{1,40}$")]


class LetterCreate(Input):
    kind: Code  # GET /api/v1/mail/kinds
    customer_id: line(36) | None = None  # fills the customer's fields from the card; required where a kind needs one
    # what the operator gives (or overrides); each value one line, checked by the service to name its key
    fields: Annotated[dict[FieldName, Annotated[str, Meta(max_length=1000)]], Meta(max_length=30)] = {}
    attachments: Annotated[list[line(200)], Meta(max_length=20)] = []  # the files attached by hand, by name


class LetterAnswer(Input):
    answer: text(4000)  # what the provider answered, e.g. the ITS registration number


class FieldOut(msgspec.Struct):
    name: str
    label: str
    required: bool
    filled_from: str | None  # the hub fills it from there unless given


class LetterKindOut(msgspec.Struct):
    kind: str
    title: str
    provider: str
    to: str
    subject: str
    rule: str
    fields: list[FieldOut]
    attachments: list[str]
    answer_days: int | None
    needs_paying: bool


class MailOut(msgspec.Struct):
    """One e-mail of the hub's outbox: a letter, a provider request of a flow, a customer notice."""

    id: int  # the outbox operation
    about: str  # letter | enrollment | subscription | transfer | notice | payout …
    provider: str
    to: str
    subject: str
    state: str  # queued | sent | failed | answered | overdue
    customer_id: str | None
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None
    letter_id: str | None = None
    kind: str | None = None
    rule: str | None = None
    answer_by: date | None = None
    answered_at: datetime | None = None
    answer: str | None = None


class LetterOut(msgspec.Struct):
    id: str
    kind: str
    provider: str
    to: str
    subject: str
    rule: str
    customer_id: str | None
    fields: dict[str, Any]
    attachments: list[str]
    body: str
    operation_id: int | None
    state: str
    answer_by: date | None
    sent_at: datetime | None
    answered_at: datetime | None
    answer: str | None
    created_at: datetime
