"""The checks of a Service Manager order against the customer's other subscriptions and its card (RULES §3):
paid up front, tariffs that come on top of others, ITS transition tariffs, the partner's own tariffs, no
downgrade, overlaps."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pricing.periods import whole_months
from pricing.subscription_rules import downgrade_blocked

from hub.core.db.models import Customer, Subscription
from hub.core.exceptions import InvalidField
from hub.subscriptions.schemas import SubscriptionCreate


def paid(data: SubscriptionCreate, due: Decimal, today: date) -> None:
    """FAM-SUB-01: created only after the customer paid — on the day of ordering or before — the whole
    period at once. A preview needs no payment, but one it names is checked the same way."""
    if data.payment is None:
        if data.dry_run or due == 0:  # a free period (the partner's own tariff, 98) has nothing to pay
            return
        raise InvalidField("payment", "record the customer's payment first: a paid subscription follows payment",
                           rule="FAM-SUB-01")
    if data.payment.paid_on > today:
        raise InvalidField("payment.paid_on", f"paid on {data.payment.paid_on.isoformat()}, after the day of ordering "
                           f"({today.isoformat()}): a paid subscription follows the payment", rule="FAM-SUB-01")
    if data.payment.amount < due:
        raise InvalidField("payment.amount", f"{data.payment.amount} < {due}: the whole period is paid up front; "
                           "instalments are dumping", rule="FAM-SUB-01")


def after(mains: list[Subscription], tariff: Any, start: date) -> None:
    """FR-SUB-19, FK-SUB-19: the free base tariff first; an extra register on top of a paid one."""
    if not tariff.after:
        return
    running = {ref for m in mains if m.start <= start <= m.end for ref in (m.tariff_code, m.tariff) if ref}
    if not running & set(tariff.after):
        raise InvalidField("tariff", f"{tariff.label!r} comes on top of {' or '.join(tariff.after)}: order that first",
                           rule=tariff.after_rule)


def its(customer: Customer, tariff: Any, end: date | None = None) -> None:
    """FR-SUB-17, FK-SUB-17: ITS transition tariffs only for the partner's own ITS customers of the
    right level (and payment form), over a period that covers the ITS contract's end."""
    contract = customer.its or {}
    problems = []
    kit = tariff.its_support_kit and contract.get("support_kit")  # 98: a «Комплект поддержки» holder qualifies
    if contract.get("level") != tariff.its_level and not kit:
        problems.append(f"a local ITS {tariff.its_level} contract" + (" or a «Комплект поддержки»"
                                                                       if tariff.its_support_kit else ""))
    if tariff.its_payment and contract.get("payment") != tariff.its_payment and not kit:
        problems.append(f"paid {tariff.its_payment}")
    if contract and not contract.get("with_us", True):
        problems.append("with this partner (the customer's ITS is with another one)")
    if problems:
        raise InvalidField("tariff", f"{tariff.label!r} needs " + "; ".join(problems), rule=tariff.its_rule)
    if tariff.its_cover_end and end and contract.get("end_date") and end < date.fromisoformat(str(contract["end_date"])):
        raise InvalidField("months", f"the period must cover the ITS end date {contract['end_date']}", rule=tariff.its_rule)


def own_tariff(customer: Customer, tariff: Any, provider: str, start: date, months: int | None,
               contract_end: date | None, renewing: bool, paid_customers: int) -> int:
    """FR-SUB-21, FK-SUB-21, MED-ONB-10: the partner's own tariff is for its own organisation only («допускается
    вести учёт только своей организации»); «Партнер» runs for the franchise contract's term, at most 12 months —
    without a contract at most 6, and is renewed then only if the partner has a paid customer subscription.
    Returns the months to order (the longest allowed when none are asked)."""
    rule = tariff.term_rule
    if not customer.own:
        raise InvalidField("tariff", f"{tariff.label!r} is the partner's own tariff: only for the partner's own "
                           "organisation (mark its card as the own organisation)", rule=rule)
    cap = tariff.max_months or months or 12
    if tariff.contract_term and contract_end is None:
        cap = min(cap, tariff.without_contract_months or cap)
        if tariff.renewal_needs_paid and renewing and not paid_customers:
            raise InvalidField("tariff", f"without a franchise contract {tariff.label!r} is renewed only while the "
                               "partner has at least one paid customer subscription; subscribe the own organisation "
                               "to a paid tariff instead", rule=rule)
        why = "without a franchise contract"
    elif tariff.contract_term:
        within = whole_months(start, contract_end, cap)
        if within == 0:
            raise InvalidField(f"partner.standing.{provider}.franchise_contract_end", f"the franchise contract ends "
                               f"on {contract_end.isoformat()}, before a month from {start.isoformat()}", rule=rule)
        cap, why = within, f"the franchise contract ends on {contract_end.isoformat()}"
    else:
        why = "the tariff's term"
    if months is not None and months > cap:
        raise InvalidField("months", f"at most {cap} months: {why}", rule=rule)
    return months or cap


def its_start(customer: Customer, tariff: Any, asked: date | None) -> date | None:
    """FK-SUB-17: the tariff starts on the ITS contract's start date — the day the card records, which an
    order may repeat but not move."""
    if not tariff.its_starts_with_contract:
        return asked
    contract = customer.its or {}
    start = contract.get("start_date")
    if not start:
        raise InvalidField("its.start_date", f"{tariff.label!r} starts with the ITS contract: record its start "
                           "date on the card first", rule=tariff.its_rule)
    start = date.fromisoformat(str(start))
    if asked is not None and asked != start:
        raise InvalidField("start", f"{tariff.label!r} starts on the ITS contract's start, {start.isoformat()}, "
                           f"not {asked.isoformat()}", rule=tariff.its_rule)
    return start


def no_downgrade(mains: list[Subscription], tariff: Any, start: date, today: date, catalog: Any) -> None:
    """FAM-SUB-10: a lower tariff is ordered only once the current one has ended («по истечении основной»),
    so neither inside it nor as a renewal after it while it runs; помесячно ones may be shortened first."""
    for current in mains:
        if downgrade_blocked(catalog.tariff(current.tariff_code or current.tariff), current.start, current.end, tariff,
                             start, decided_on=today):
            raise InvalidField("tariff", f"no downgrade: {current.tariff!r} runs until {current.end.isoformat()}; "
                               f"a lower tariff is ordered after it ends", rule="FAM-SUB-10")


def overlaps(mains: list[Subscription], tariff: Any, start: date, end: date, catalog: Any) -> list[str]:
    """A main subscription over the days of a live main of the same line that it would replace: the customer
    pays twice for them. Said, not refused (FAM-SUB-08: a renewal starts after the end; more is an upgrade)."""
    return [f"overlaps the live main subscription {m.id} ({m.tariff}, {m.start.isoformat()}–{m.end.isoformat()}): "
            "the customer pays twice for the days in common; a renewal starts the day after it ends (FAM-SUB-08), "
            "more of a tariff is an upgrade or an add-on (FAM-SUB-09, FAM-SUB-05)"
            for m in mains if m.start <= end and start <= m.end
            and (current := catalog.tariff(m.tariff_code or m.tariff)) is not None and tariff.replaces(current)]
