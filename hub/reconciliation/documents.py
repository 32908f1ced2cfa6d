"""The documents a provider publishes — what each is called and the columns it must have — without the
columnar engine: what a request that reconciles nothing needs (the upload limit, the period's form), so that
polars loads with the first reconciliation and not with the hub (issue 15)."""
from __future__ import annotations

from dataclasses import dataclass

from providers import PROFILES

MAX_BYTES = 20 * 1024 * 1024  # a month of a large partner's book is a few MB


@dataclass(frozen=True)
class Layout:
    """What a document is called and the columns it must have, each a kind: text, int, money, date, month."""

    name: str
    columns: dict[str, str]


STATEMENT = Layout("statement", {"subscription": "text", "subscriber": "text", "tariff": "text",
                                 "period_start": "date", "period_end": "date", "retail": "money",
                                 "discount_percent": "int", "amount": "money"})
AGENT_REPORT = Layout("agent report", {"report_date": "date", "login": "text", "month": "month",
                                       "amount_paid": "money", "fee": "money"})


def layout_of(provider: str) -> Layout:
    """A Rarus agent report (quarterly) or a 1C statement (monthly, the Fresh family)."""
    return AGENT_REPORT if PROFILES[provider].interface == "rarus_cabinet" else STATEMENT
