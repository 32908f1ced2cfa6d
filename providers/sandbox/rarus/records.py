"""What the 1С-Рарус cabinet holds — partner cabinets, trial requests, clients, invoices — and how it
refuses (an HTTP status, a code, a message and, where known, the rule id)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ...profiles import PROFILES

TRIAL_DAYS = PROFILES["rarus"].trial_days  # RA-ONB-01
PARTNER_TRIAL_DAYS = PROFILES["rarus"].partner_trial_days or TRIAL_DAYS  # RA-ONB-07: the partner's own access,
PARTNER_TRIAL_COMMENT = (PROFILES["rarus"].partner_trial_comment or "").casefold()  # asked for in the comment
MAX_TRIAL_USERS = PROFILES["rarus"].max_trial_users or 5
FIRST_ACCOUNT = 10001
RENEWAL_INVOICE_DAY = 20  # RA-BILL-01: monthly payers get the next invoice on the 20th
QUARTER_STARTS = {1: 1, 2: 4, 3: 7, 4: 10}


class CabinetError(Exception):
    def __init__(self, status: int, code: str, message: str, rule: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.rule = status, code, message, rule


@dataclass
class RarusPartner:
    code: str = "0320"  # the 4-character cabinet code (RA-ONB-08)
    profile_code: str = "0320"  # what the partner filled in its cabinet profile (RA-COMM-03)
    name: str = "ООО Партнер"
    token: str = "sandbox-token"
    agent_fee_percent: Decimal = Decimal("20")  # RA-COMM-01: per sub-agent contract


@dataclass
class TrialRequest:
    id: int
    customer: dict[str, Any]
    products: list[str]
    users: int
    submitted_at: datetime
    credentials_at: datetime
    via: str  # "partner" (attributed, RA-ONB-06) or "site"
    status: str = "processing"  # processing → done
    login: str | None = None
    partner: str | None = None  # the code of the partner whose cabinet holds it
    comment: str = ""  # «Комментарии»: the partner's own access says so (RA-ONB-07)


@dataclass
class Client:
    login: str
    customer: dict[str, Any]
    attributed: bool
    status: str  # trial | paying | blocked | deleted (RA-ONB-11)
    trial_end: date
    seat_plan: list[dict[str, Any]]
    options: list[str]
    monthly: Decimal
    paid_through: date | None = None
    advance: Decimal = Decimal("0")
    pending_change: dict[str, Any] | None = None
    partner: str | None = None  # the code of the partner whose cabinet holds it


@dataclass
class Invoice:
    id: int
    login: str
    kind: str  # conversion | renewal | surcharge
    period_start: date
    period_end: date
    amount: Decimal
    months: dict[str, Decimal]  # what each calendar month of the period is paid
    status: str = "unpaid"
