"""Pricing one Fresh-family subscription before it is created (fresh_ru, fresh_kz, medicine).

Periods per CAL-03 / FAM-SUB-02, upgrades per FAM-SUB-09, add-ons per FAM-SUB-05,
помесячно per FAM-SUB-11, discounts per the catalog's policy, invoice dates per
the catalog's invoice terms (FR-PRICE-02, FK-PRICE-02, MED-PRICE-01).
"""
from __future__ import annotations

from datetime import date

from ..catalog import SAMPLE_SOURCE, Catalog, InvoiceTerm, Tariff
from ..discounts import partner_discount
from ..errors import RequestInvalid, RuleViolation
from ..money import Money
from ..periods import add_months, days_period_end, month_last_day, months_charged, period_end
from ..requests import PartnerStanding, SubscriptionPrice, SubscriptionPriceRequest
from .common import REQUIREMENT_LABELS, make_line, standing_gap, sample_warnings, unique, unmet_requirements

DEFAULT_MONTHS = 12
KIND_TARIFFS = {
    "first": ("main", "its_transition", "partner", "register_base", "register_extra", "channel"),
    "first_renewal": ("main", "its_transition", "partner", "register_extra", "channel"),
    "renewal": ("main", "its_transition", "partner", "register_extra", "channel"),
    "upgrade": ("upgrade",),
    "addon_sessions": ("addon_sessions",),
    "addon_bases": ("addon_bases",),
}


def invoice_due(term: InvoiceTerm | None, created: date, start: date) -> date | None:
    if term is None:
        return None
    anchor = created if term.anchor == "created" else start
    month = add_months(anchor.replace(day=1), term.month_offset)
    return month.replace(day=term.day) if term.day else month_last_day(month)


def _tariff(catalog: Catalog, req: SubscriptionPriceRequest) -> Tariff:
    ref = req.tariff or catalog.default_tariffs.get(req.kind)
    if ref is None:
        raise RequestInvalid("tariff", f"name the tariff: {catalog.provider} has no default tariff for kind {req.kind!r}")
    tariff = catalog.tariff(ref)
    if tariff is None:
        raise RequestInvalid("tariff", f"{catalog.provider} has no tariff {ref!r} (see GET /api/v1/catalog/{catalog.provider})")
    if tariff.kind == "trial":
        raise RuleViolation("FAM-ONB-02", f"{tariff.label!r} is an invitation's initial tariff, not a paid subscription", field="tariff")
    if tariff.kind not in KIND_TARIFFS[req.kind]:
        raise RequestInvalid("tariff", f"{tariff.label!r} ({tariff.kind}) cannot be priced as kind {req.kind!r}")
    return tariff


def _period(req: SubscriptionPriceRequest, tariff: Tariff, created: date) -> tuple[date, date, int, list[str]]:
    """(start, end, months charged, rules)."""
    start = req.start or created
    if req.kind in ("upgrade", "addon_sessions", "addon_bases"):
        main = req.main
        if main is None:
            raise RequestInvalid("main", f"kind {req.kind!r} needs the main subscription's start and end")
        if main.end < main.start:
            raise RequestInvalid("main.end", "the main subscription ends before it starts")
        rule = "FAM-SUB-09" if req.kind == "upgrade" else "FAM-SUB-05"
        if created > main.end:
            raise RuleViolation(rule, "the main subscription has ended; attach to a current one", field="created_on")
        if start < main.start or start < created:
            raise RuleViolation(rule, "starts before the main subscription or before today", field="start")
        if start > main.end:
            raise RuleViolation(rule, "starts after the main subscription ends", field="start")
        months = months_charged(start, main.end)
        end = period_end(start, months) if req.kind == "upgrade" else main.end
        return start, end, months, [rule, "CAL-03"]
    if tariff.days:
        return start, days_period_end(start, tariff.days), 0, []
    months = req.months or DEFAULT_MONTHS
    if tariff.max_months and months > tariff.max_months:
        raise RuleViolation(tariff.term_rule or _source_rule(tariff) or "FAM-SUB-02",
                            f"{tariff.label!r} runs at most {tariff.max_months} months", field="months")
    return start, period_end(start, months), months, ["FAM-SUB-02", "CAL-03"]


def _source_rule(tariff: Tariff) -> str | None:
    return next((p.source for p in tariff.prices if p.source != SAMPLE_SOURCE), None)


def price_subscription(catalog: Catalog, req: SubscriptionPriceRequest, standing: PartnerStanding, today: date) -> SubscriptionPrice:
    created = req.created_on or today
    gap = standing_gap(catalog, standing)
    if gap:
        reason, rules = gap
        raise RuleViolation(rules[0], reason, field="partner")
    tariff = _tariff(catalog, req)
    missing = unmet_requirements(tariff.requires, standing)
    if missing:
        raise RuleViolation(tariff.requires_rule or "FR-SUB-20", f"{tariff.label!r} needs {REQUIREMENT_LABELS.get(missing[0], missing[0])}", field="tariff")
    if req.application is not None and catalog.configuration(req.application) is None:
        raise RequestInvalid("application", f"{catalog.provider} has no application {req.application!r}")
    start, end, charged, rules = _period(req, tariff, created)

    quantity = req.quantity
    customer_monthly: Money | None = None
    if tariff.customer_pays_monthly:
        amount, source, how = tariff.price_for(1)
        customer_monthly = catalog.money(amount * quantity)
        retail = customer_monthly * max(charged, 1)
    else:
        amount, source, how = tariff.price_for(max(charged, 1))
        retail = catalog.money(amount * quantity)
    price_line = make_line(f"{tariff.label}, {how}", quantity, amount, source)

    app = catalog.configuration(req.application) if req.application else None
    assert catalog.discounts is not None, "Fresh-family catalogs carry a discount policy"
    discount = partner_discount(
        catalog.discounts,
        standing,
        kind=req.kind,
        new_to_1c=req.customer.new_to_1c,
        discount_class=app.discount_class if app else None,
        on=created,
    )
    partner_monthly: Money | None = None
    if tariff.monthly:
        assert tariff.partner_monthly_list is not None
        partner_monthly = catalog.money(tariff.partner_monthly_list.amount * quantity).less_percent(discount.percent)
        partner_cost = partner_monthly * max(charged, 1)
        rules += ["FAM-SUB-11", tariff.partner_monthly_list.source]
        term = catalog.invoice_monthly
    else:
        partner_cost = retail.less_percent(discount.percent)
        term = catalog.invoice_regular
    due = invoice_due(term, created, start)
    if term is not None:
        rules.append(term.rule)
    warnings = sample_warnings([price_line]) + discount.warnings
    if tariff.note:
        warnings.append(tariff.note)
    return SubscriptionPrice(
        provider=catalog.provider,
        kind=req.kind,
        tariff=tariff.name,
        tariff_code=tariff.code,
        currency=str(catalog.currency),
        start=start,
        end=end,
        months_charged=charged,
        retail_price=retail.rounded().amount,
        customer_monthly=customer_monthly.rounded().amount if customer_monthly else None,
        discount_percent=discount.percent,
        partner_cost=partner_cost.rounded().amount,
        partner_monthly=partner_monthly.amount if partner_monthly else None,
        partner_income=(retail - partner_cost).rounded().amount,
        invoice_due=due,
        rules=unique(rules + discount.rules + ([source] if source != SAMPLE_SOURCE else [])),
        warnings=warnings,
    )
