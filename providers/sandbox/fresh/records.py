"""What a Fresh-family Service Manager holds — invitations, subscribers, subscriptions, partner accounts — and
how it refuses (an error code, a message, a rule id), with the parameter readers every part uses."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pricing import PartnerStanding

CARD_KEYS = ("legal_name", "inn", "kpp", "bin_iin", "phone", "email", "new_to_1c")
FIRST_SUBSCRIBER = 1001
SELF_EXTENSION_DAYS = 7
STANDARD_TRIAL = "Пробный период"


class Refusal(Exception):
    """The provider's refusal: an error code, a message and, where known, the rule id."""

    def __init__(self, code: int, message: str, rule: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.rule = code, message, rule


def not_found(what: str) -> Refusal:
    return Refusal(10404, f"{what} not found")


def bad(message: str) -> Refusal:
    return Refusal(10400, message)


def refuse(rule: str, message: str) -> Refusal:
    return Refusal(10422, message, rule)


@dataclass
class Invitation:
    id: int
    email: str
    tariff: str
    trial_days: int
    fields: dict[str, Any]
    sent_at: datetime
    status: str = "sent"  # sent → activated | blocked
    subscriber: int | None = None
    activated_at: datetime | None = None
    partner_account: int = 0  # the partner account that sent it
    inn: str | None = None  # the organisation's ИНН (ru, medicine) as the invitation named it
    bin_iin: str | None = None  # or its БИН/ИИН (kz)


@dataclass
class Subscriber:
    number: int
    card: dict[str, Any]
    trial_tariff: str
    trial_start: date
    trial_end: date
    invitation: int
    promised_days_pending: int = 0
    partner_account: int = 0  # whose customer it is
    users: list[dict[str, Any]] = field(default_factory=list)  # users added after the owner (MED-ONB-02 batches)


@dataclass
class Subscription:
    number: int
    subscriber: int
    tariff_code: str | None
    tariff: str
    kind: str  # main | enhanced | upgrade
    start: date
    end: date
    months_charged: int
    quantity: int
    retail: Decimal
    discount_percent: int
    amount: Decimal
    partner_monthly: Decimal | None
    monthly: bool
    created_at: datetime
    main: int | None = None
    extended_until: date | None = None
    extension: str | None = None  # "self_extension" | "promised_payment"
    partner_account: int = 0  # the partner account of its subscriber


@dataclass
class FreshPartner:
    account: int = 48  # the partner's own subscriber number
    login: str = "partner"
    password: str = "sandbox"
    standing: PartnerStanding = field(default_factory=PartnerStanding)


def text_of(value: Any) -> str | None:
    """A parameter as stripped text, or None when it is absent or blank."""
    return str(value).strip() or None if value not in (None, "") else None


def date_of(value: Any) -> date | None:
    """A parameter as a date (ISO), None when absent; anything else is a bad request."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise bad(f"not a date: {value!r}") from None
