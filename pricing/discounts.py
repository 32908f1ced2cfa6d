"""Fresh-family partner discounts from a catalog's policy (FR-DISC-01…05, FK-DISC-01, MED-DISC-01)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .catalog import DiscountPolicy
from .periods import month_key
from .requests import PartnerStanding


@dataclass(frozen=True)
class Discount:
    percent: int
    rules: list[str]
    warnings: list[str] = field(default_factory=list)


def subscription_kind(earlier: int) -> str:
    """FR-DISC-04 and FAM-SUB-08: a main subscription is the first, the first renewal, or a later renewal,
    by how many of the same line came before it."""
    return "first" if earlier == 0 else "first_renewal" if earlier == 1 else "renewal"


def service_desk_counts(standing: PartnerStanding, on: date) -> bool:
    """FR-DISC-04: connection to Сервис-деск counts from the month after it,
    and only for months whose Сервис-деск record holds."""
    if standing.service_desk is False:
        return False
    if standing.service_desk_since is None:
        return bool(standing.service_desk)
    month = month_key(on)
    return month > month_key(standing.service_desk_since) and month not in standing.service_desk_lapsed_months


def partner_discount(
    policy: DiscountPolicy,
    standing: PartnerStanding,
    *,
    kind: str,
    new_to_1c: bool | None,
    discount_class: str | None,
    on: date,
) -> Discount:
    if discount_class in policy.classes:
        fixed = policy.classes[discount_class]
        return Discount(fixed.percent, [fixed.rule])
    specific = getattr(standing, policy.csk_flag)
    csk = standing.csk if specific is None else specific
    base = policy.with_csk if csk else policy.without_csk
    raised = policy.raised
    if raised is None or not csk or not service_desk_counts(standing, on):
        return Discount(base.percent, [base.rule])
    if kind in raised.excluded_kinds or discount_class in raised.excluded_classes:
        return Discount(base.percent, [base.rule, raised.exclusion_rule or raised.rule])
    if kind == "first":
        if new_to_1c is True:
            return Discount(raised.first_new_customer, [raised.rule, "FR-ONB-02"])
        warning = (
            "the raised first-subscription discount needs the card to say the customer is new to 1C (FR-ONB-02)"
            if new_to_1c is None
            else None
        )
        return Discount(base.percent, [base.rule, "FR-ONB-02"], [warning] if warning else [])
    percent = {"first_renewal": raised.first_renewal, "upgrade": raised.upgrade, "renewal": raised.renewal}[kind]
    return Discount(percent, [raised.rule])
