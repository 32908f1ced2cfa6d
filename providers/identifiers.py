"""Identifiers the providers prescribe (FR-ONB-03, RA-ONB-08) and the certificate batch (MED-ONB-03)."""
from __future__ import annotations

from datetime import datetime

from pricing import next_batch

from .profiles import PROFILES

RARUS_CODE_LENGTH = 4


class InvalidIdentifier(ValueError):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def rarus_partner_code(contract_code: str) -> str:
    """RA-ONB-08: the cabinet's 4-character partner code; a contract's 001–999 gets a leading zero."""
    code = contract_code.strip()
    if not code.isdigit() or not 1 <= len(code) <= RARUS_CODE_LENGTH or int(code) == 0:
        raise InvalidIdentifier("RA-ONB-08", f"a Rarus partner code is 1–4 digits, not {contract_code!r}")
    return code.zfill(RARUS_CODE_LENGTH)


def reporting_registration_number(subscriber_number: int) -> str:
    """FR-ONB-03: 1С-Отчетность registration number in 1С:Фреш is FR + subscriber number."""
    if subscriber_number <= 0:
        raise InvalidIdentifier("FR-ONB-03", "a subscriber number is a positive integer")
    return f"FR{subscriber_number}"


def certificate_issue_time(requested_at: datetime, provider: str = "medicine") -> datetime:
    """MED-ONB-03: when a secure-channel certificate requested at ``requested_at`` is issued."""
    profile = PROFILES[provider]
    if profile.certificate_batch is None:
        raise ValueError(f"{provider} issues no certificates")
    return next_batch(requested_at, profile.certificate_batch, profile.deadline_tz, profile.country)
