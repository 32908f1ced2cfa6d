"""The provider's figures against the hub's own: what differs is recorded on the subscription, with its likely cause.

The hub prices every order before it is sent (pricing/); the provider answers with its own figures. Where they
differ — a discount, a partner amount, a period, a Rarus invoice — the subscription keeps the hub's expectation
in its own fields, the provider's answer in ``provider_data``, and one entry per differing field in
``discrepancies`` ({field, expected, provider, cause, found_at, step}); a ``subscription_discrepancy`` event
says so. Nothing is hidden and the order is not refused: the provider is the other half of the truth.

A cause is worked out from the data, not written per case: a different discount is priced again under the
standings and histories that could explain it (ЦСК, Сервис-деск, the card's "new to 1C", the renewal tier),
and the ones that give the provider's percent are named; a different Rarus period is set against RA-BILL-01.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from msgspec.structs import replace
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import MOSCOW, Engine, PartnerStanding, PricingError, SubscriptionPriceRequest, month_shares, round_minor
from pricing.discounts import service_desk_counts
from pricing.subscription_rules import PROMISED_PAYMENT_DAYS  # FAM-SUB-07

from adapters import CabinetChange, CabinetClient, CabinetInvoice
from hub.core.db.models import Subscription
from hub.core.event_subjects import emit_for
from hub.subscriptions import priced

MONEY = ("retail", "partner_cost", "partner_monthly", "customer_price")
DAYS = ("start", "end")
TIERS = {"first": "a first subscription", "first_renewal": "the first renewal", "renewal": "a later renewal"}


def typed(field: str, value: Any) -> Any:
    """A figure as the hub compares it: Decimal money, dates, whole numbers."""
    if value is None:
        return None
    if field in MONEY:
        return round_minor(Decimal(str(value)))
    if field in DAYS:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    return int(value)


def stored(value: Any) -> str | int | None:
    """A figure as the discrepancy stores it: money as text with kopecks, dates ISO."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value.isoformat() if isinstance(value, date) else str(value)


def differing(expected: dict[str, Any], provider: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose provider figure is known and is not the hub's: {field: (expected, provider)}."""
    found = {}
    for field, hub in expected.items():
        theirs = typed(field, provider.get(field))
        ours = typed(field, hub)
        if theirs is not None and theirs != ours:
            found[field] = (ours, theirs)
    return found


def record(session: AsyncSession, row: Subscription, step: str, compared: Iterable[str],
           found: dict[str, tuple[Any, Any]], causes: dict[str, str], now: datetime) -> list[dict[str, Any]]:
    """The row's discrepancies on the ``compared`` fields become ``found`` (a field that agrees now is no longer
    one); a ``subscription_discrepancy`` event lists the new ones."""
    compared = set(compared)
    fresh = [{"field": field, "expected": stored(ours), "provider": stored(theirs), "cause": causes.get(field, ""),
              "found_at": now.isoformat(), "step": step} for field, (ours, theirs) in found.items()]
    kept = [d for d in row.discrepancies or [] if d["field"] not in compared]
    row.discrepancies = kept + fresh
    if fresh:
        emit_for(session, row.partner_id, "subscription_discrepancy", customer_id=row.customer_id,
                 subscription_id=row.id, provider=row.provider, step=step, discrepancies=fresh)
    return fresh


def created_on(row: Subscription) -> date:
    return row.created_at.astimezone(MOSCOW).date()


def price_request(row: Subscription, new_to_1c: bool | None, main: Subscription | None, *, start: date | None = None,
                  months: int | None = None) -> SubscriptionPriceRequest:
    """The request the hub priced ``row`` with (or its correction, with another start or length)."""
    return priced.price_request(row.provider, row.pricing_kind or row.kind, row.tariff_code or row.tariff,
                                months or row.months_charged or None, start or row.start, created_on(row),
                                row.quantity, new_to_1c, main)


# --- Fresh family ----------------------------------------------------------------------------------------------
def _variants(engine: Engine, standing: PartnerStanding, request: SubscriptionPriceRequest):
    """(what would explain it, the standing, the request) for each other reading of the partner and customer."""
    policy = engine.catalog.discounts  # type: ignore[attr-defined]
    flag = policy.csk_flag
    specific = getattr(standing, flag)
    csk = standing.csk if specific is None else specific
    no_csk = replace(standing, csk=not csk, **({flag: None} if flag != "csk" else {}))
    yield (f"the partner's ЦСК standing at the provider differs from the hub's (the hub: {'ЦСК' if csk else 'no ЦСК'}, "
           f"the provider prices as {'without' if csk else 'with'} ЦСК; FR-DISC-01/03)", no_csk, request)
    if policy.raised is not None:
        on = request.created_on or request.start
        counts = service_desk_counts(standing, on)
        desk = {"service_desk": False} if counts else {"service_desk": True, "service_desk_since": None,
                                                       "service_desk_lapsed_months": []}
        said = "counts" if counts else "does not count"
        yield (f"the partner's Сервис-деск standing at the provider differs from the hub's (the hub {said} it for "
               f"{on.strftime('%Y-%m')}; FR-DISC-04)", replace(standing, **desk), request)
        yield ("the partner's ЦСК and Сервис-деск standing at the provider differ from the hub's (FR-DISC-03/04)",
               replace(no_csk, **desk), request)
    new = request.customer.new_to_1c
    yield ("the customer card at the provider " + ("does not say" if new else "says") + " the customer is new to 1C "
           "(FR-ONB-02)", standing, replace(request, customer=replace(request.customer, new_to_1c=None if new else True)))
    if request.kind in TIERS:
        for kind, label in TIERS.items():
            if kind != request.kind:
                yield (f"the provider counts it as {label}, the hub as {TIERS[request.kind]} (its history of this "
                       f"customer differs; FR-DISC-04, FAM-SUB-08)", standing, replace(request, kind=kind))


def discount_cause(engine: Engine, standing: PartnerStanding, request: SubscriptionPriceRequest, today: date,
                   expected: int, provider: int) -> str:
    explained = []
    for label, other_standing, other_request in _variants(engine, standing, request):
        try:
            if engine.price(other_request, other_standing, today).discount_percent == provider:  # type: ignore[attr-defined]
                explained.append(label)
        except PricingError:
            continue
    head = f"provider applied {provider}% where the hub expected {expected}%"
    if explained:
        return f"{head}: {' or '.join(explained)}"
    return f"{head}: the partner's ЦСК/Сервис-деск standing or the discount policy at the provider differs from the hub's"


def fresh_causes(found: dict[str, tuple[Any, Any]], row: Subscription, engine: Engine, standing: PartnerStanding,
                 request: SubscriptionPriceRequest, today: date) -> dict[str, str]:
    causes = {}
    if "discount_percent" in found:
        causes["discount_percent"] = discount_cause(engine, standing, request, today, *found["discount_percent"])
    if "retail" in found:
        causes["retail"] = (f"the provider's price of {row.tariff!r} for {row.months_charged} month(s) × {row.quantity} "
                            "differs from the hub's catalog")
    if "partner_cost" in found:
        if "discount_percent" in found:
            ours, theirs = found["discount_percent"]
            causes["partner_cost"] = f"follows from the discount: {theirs}% at the provider, {ours}% expected"
        elif "retail" in found:
            causes["partner_cost"] = "follows from the provider's retail price"
        else:
            causes["partner_cost"] = ("the same retail and discount give another amount at the provider "
                                      "(rounding, or помесячно parts: FAM-SUB-11)")
    if "start" in found:
        ours, theirs = found["start"]
        causes["start"] = f"the provider starts the period on {theirs.isoformat()}, the hub asked for {ours.isoformat()}"
    if "end" in found:
        ours, theirs = found["end"]
        shift = (theirs - ours).days
        if "start" in found:
            causes["end"] = "follows from the provider's start"
        elif shift == -PROMISED_PAYMENT_DAYS:
            causes["end"] = "the provider paid back a promised payment (FAM-SUB-07) the hub did not know of"
        elif shift == PROMISED_PAYMENT_DAYS and "FAM-SUB-07" in (row.rules or []):
            causes["end"] = "the hub paid back a promised payment (FAM-SUB-07) the provider does not hold"
        else:
            causes["end"] = (f"the provider's calendar rule differs: the period from {row.start.isoformat()} ends on "
                             f"{theirs.isoformat()} there, on {ours.isoformat()} by CAL-03/FAM-SUB-02")
    if "months_charged" in found:
        causes["months_charged"] = f"the provider charges {found['months_charged'][1]} month(s): its calendar rule differs (CAL-03)"
    return causes


# --- Rarus -------------------------------------------------------------------------------------------------------
def _full_month(start: date, end: date, months: dict[str, Any]) -> Decimal | None:
    """The provider's price of one whole calendar month of an invoice, when it has one."""
    whole = [key for key, share in month_shares(start, end, Decimal(1)).items() if share == 1]
    return round_minor(Decimal(str(months[whole[0]]))) if whole and whole[0] in months else None


def invoice_causes(found: dict[str, tuple[Any, Any]], row: Subscription, invoice: CabinetInvoice | CabinetChange) -> dict[str, str]:
    """A conversion invoice (RA-BILL-01) or a surcharge (RA-BILL-02) that differs from the hub's preview."""
    causes = {}
    if isinstance(invoice, CabinetInvoice) and ("start" in found or "end" in found):
        start, end = invoice.period_start, invoice.period_end
        why = (f"the provider dated the request {start.isoformat()}, the hub {row.start.isoformat()}" if "start" in found
               else "its calendar rule differs")
        period = (f"the provider invoices {start.isoformat()}–{end.isoformat()}, the hub expected "
                  f"{row.start.isoformat()}–{row.end.isoformat()}: {why} (RA-BILL-01: whole calendar months, a request "
                  "in the second half of a month runs to the end of the next month)")
        causes.update({f: period for f in ("start", "end") if f in found})
    if "retail" in found:
        ours, theirs = found["retail"]
        if "start" in found or "end" in found:
            causes["retail"] = "follows from the provider's period (RA-BILL-01)"
        elif isinstance(invoice, CabinetChange) and invoice.applied:
            causes["retail"] = ("the provider applied the change at once, without a surcharge: it holds no paid period "
                                "for the customer (RA-BILL-02: a trial's change is free)")
        elif row.kind == "conversion" and isinstance(invoice, CabinetInvoice) and invoice.months and \
                (monthly := _full_month(row.start, row.end, invoice.months)) not in (None, row.customer_price):
            causes["retail"] = (f"the provider bills {monthly:.2f} a month, the hub priced {row.customer_price:.2f}: "
                                "the seat plan, options or price list differ (RA-PRICE-02)")
        else:
            causes["retail"] = (f"the provider invoices {theirs:.2f}, the hub expected {ours:.2f} for the same period: "
                                "its monthly price or part-month rule differs (RA-BILL-01/02)")
    if "customer_price" in found:
        causes["customer_price"] = monthly_cause(row, invoice)
    return causes


def monthly_cause(row: Subscription, client: CabinetClient) -> str:
    """A monthly price the provider charges otherwise: what it holds that the hub did not price."""
    theirs, ours = sorted(client.options), sorted(row.options or [])
    if theirs != ours:
        return f"the provider holds options {theirs}, the hub priced {ours} (RA-PRICE-04)"
    if client.seat_plan != row.seat_plan:
        return "the provider holds another seat plan than the hub priced (RA-PRICE-02)"
    return "the same seat plan and options cost another monthly price at the provider: its price list differs (RA-PRICE-01)"
