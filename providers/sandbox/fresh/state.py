"""The Service Manager of one Fresh-family cloud, in memory: invitations, subscribers, subscriptions.

Rules come from the provider profile (providers/profiles.py) and the pricing
catalog; prices and discounts from the same engine the hub uses, with the
partner standing configured in the sandbox.

Several partner accounts can live on one sandbox (``register``): every invitation, subscriber and
subscription belongs to the account that made it, and another account's is "not found" (10404).
Methods that act for a partner take ``who``; None means the default partner (``self.partner``).

``FreshSandboxState`` is built in layers, one module each:

    records.py        the records kept (Invitation, Subscriber, Subscription, FreshPartner) and Refusal
    core.py           FreshCore: profile, catalog, clock, engine, numbering, partner accounts
    subscribers.py    Subscribers: invitations, activation, subscribers and their cards (FAM-ONB-01…04)
    subscriptions.py  Subscriptions: main, renewal, add-ons, upgrades, the applications they open (RULES §3)
    changes.py        Changes: self-extension, promised payment, corrections, помесячно shortening
    state.py          FreshSandboxState: the monthly partner invoice on top of all of them
"""
from __future__ import annotations

from typing import Any

from pricing import MOSCOW
from pricing.engines.fresh_price import invoice_due
from pricing.invoicing import invoiced_months
from pricing.subscription_rules import PROMISED_PAYMENT_DAYS

from ..faults import StatementDefects
from .changes import Changes
from .records import (
    CARD_KEYS,
    FIRST_SUBSCRIBER,
    SELF_EXTENSION_DAYS,
    STANDARD_TRIAL,
    FreshPartner,
    Invitation,
    Refusal,
    Subscriber,
    Subscription,
    bad,
    not_found,
    refuse,
)

__all__ = [
    "CARD_KEYS", "FIRST_SUBSCRIBER", "PROMISED_PAYMENT_DAYS", "SELF_EXTENSION_DAYS", "STANDARD_TRIAL", "FreshPartner",
    "FreshSandboxState", "Invitation", "Refusal", "Subscriber", "Subscription", "bad", "not_found", "refuse",
]


class FreshSandboxState(Changes):
    """One Service Manager: everything of subscribers.py, subscriptions.py and changes.py, and its statements."""

    # --- the monthly partner invoice (FR-PRICE-02, FK-PRICE-02, MED-PRICE-01) ---------------------------
    def statement(self, month: str, defects: StatementDefects, who: FreshPartner | None = None) -> list[dict[str, Any]]:
        lines = []
        for s in sorted(self.subscriptions_of(who), key=lambda s: s.number):
            monthly = s.monthly and s.partner_monthly is not None and self.catalog.invoice_monthly is not None
            term = self.catalog.invoice_monthly if monthly else self.catalog.invoice_regular
            first_due = invoice_due(term, s.created_at.astimezone(MOSCOW).date(), s.start) or s.start
            months = invoiced_months(first_due, monthly, s.months_charged)  # the hub's ledger reads the same rule
            amount = s.partner_monthly if monthly else s.amount
            if month in months:
                lines.append({"subscription": s.number, "subscriber": s.subscriber, "tariff": s.tariff,
                              "period_start": s.start.isoformat(), "period_end": s.end.isoformat(),
                              "retail": s.retail, "discount_percent": s.discount_percent, "amount": amount})
        return _with_defects(lines, defects)


def _with_defects(lines: list[dict[str, Any]], defects: StatementDefects) -> list[dict[str, Any]]:
    result = lines[defects.missing:]
    for line in result[: defects.wrong_discount]:
        line["discount_percent"] += 5
    return result + [dict(line) for line in result[: defects.duplicate]]
