"""Paid subscriptions on every provider, checked against RULES §3 before anything is sent.

Fresh family: main, renewal (a copy with a new period, FAM-SUB-08), upgrade, add-ons; the
customer's payment is recorded with the request (FAM-SUB-01). Rarus: conversion of a trial to
paying (RA-BILL-01) and later changes (RA-BILL-02). Each order is an outbox row.

Every change of a subscription locks its row first (tenancy.owned_row ``for_update``) and checks its
state after the lock, so of requests racing for one transition exactly one is accepted; the others
get a 409 naming the rule. An order locks its customer, so a customer's orders are checked one at a
time (RA-BILL-02, the renewal tiers).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import (
    MOSCOW,
    Money,
    PartnerStanding,
    PricingError,
    QuoteRequest,
    RarusEngine,
    RarusInvoice,
    SubscriptionPriceRequest,
    change_invoice,
    first_invoice,
    months_charged,
    period_end,
)
from pricing.discounts import subscription_kind
from providers import PROFILES

from hub.core.caller import Caller
from hub.core.db.models import Customer, Enrollment, Operation, Subscription, utcnow
from hub.core.exceptions import Conflict, InvalidField
from hub.subscriptions.schemas import (
    Discrepancy,
    SubscriptionCorrection,
    SubscriptionCreate,
    SubscriptionOut,
    SubscriptionPage,
)
from hub.subscriptions import agreement
from hub.core import audit, outbox
from hub.onboarding import mailbox
from hub.customers.service import CARD_FIELDS, card_missing, owned
from hub.core.event_subjects import emit_for
from hub.core.paging import matching, page
from hub.partners.service import standing_of
from hub.quotes.service import PricingService
from hub.core.tenancy import owned_row

LIVE = ("requested", "awaiting_payment", "active")
STATUSES = (*LIVE, "failed")  # what GET /api/v1/subscriptions?status= filters on
CARD_SYNC = ("legal_name", "inn", "kpp", "bin_iin", "phone", "email", "new_to_1c")
RARUS_STEP = {"conversion": "rarus_convert", "change": "rarus_change"}
ORDERING = ("create_subscription", "rarus_convert", "rarus_change", "poll_payment")  # a failure here fails the order
PROMISED_PAYMENT_DAYS = 7


def moscow_month(instant: datetime) -> str:
    return instant.astimezone(MOSCOW).strftime("%Y-%m")


def out(row: Subscription, dry_run: bool = False, warnings: list[str] | None = None) -> SubscriptionOut:
    return SubscriptionOut(
        row.id, row.customer_id, row.provider, row.kind, row.pricing_kind, row.tariff, row.tariff_code, row.quantity,
        row.start, row.end, row.months_charged, row.currency, row.retail, row.discount_percent, row.partner_cost,
        row.partner_monthly, row.customer_price, row.invoice_due, row.main_id, row.status, row.provider_number,
        row.provider_data, list(row.rules or []), row.failure, row.created_at or utcnow(), row.extension,
        row.extended_until, dry_run, options=list(row.options or []),
        discrepancies=msgspec.convert(row.discrepancies or [], list[Discrepancy]), warnings=list(warnings or []))


class Subscriptions:
    def __init__(self, pricing: PricingService, poll_every: timedelta) -> None:
        self.pricing, self.poll_every = pricing, poll_every

    # --- ordering -----------------------------------------------------------------------------------------
    async def create(self, session: AsyncSession, caller: Caller, data: SubscriptionCreate) -> SubscriptionOut:
        # an order locks its customer: parallel orders are checked against each other's rows
        customer = await owned_row(session, Customer, caller, data.customer_id, "customer", for_update=not data.dry_run)
        profile = PROFILES[data.provider]
        account = (customer.accounts or {}).get(profile.account_field)
        if account is None:
            raise InvalidField("customer_id", f"the customer has no {profile.title} account yet: enroll it first",
                               rule=profile.access_rule)
        standing = caller.standing or await standing_of(session, caller.partner_id)
        today = self.pricing.clock.today()
        warnings: list[str] = []  # said in the answer, not stored
        if profile.interface == "rarus_cabinet":  # the customer pays the provider; orders are conversions and changes
            row = await self._rarus(session, caller, customer, data, today)
        else:
            row, warnings = await self._fresh(session, caller, customer, data, standing, today)
        if data.dry_run:
            return out(row, dry_run=True, warnings=warnings)
        session.add(row)
        await session.flush()
        step = RARUS_STEP.get(row.kind, "create_subscription")
        outbox.enqueue(session, partner_id=caller.partner_id, provider=row.provider, kind=step,
                       payload={"subscription_id": row.id, "account": str(account)}, customer_id=row.customer_id)
        view = out(row, warnings=warnings)
        audit.record(session, caller, "subscription", row.id, "create", after=view)
        emit_for(session, caller.partner_id, "subscription_ordered", customer_id=row.customer_id,
                 subscription_id=row.id, provider=row.provider, subscription_kind=row.kind, tariff=row.tariff,
                 start=row.start.isoformat(), end=row.end.isoformat(), retail=row.retail,
                 partner_cost=row.partner_cost)
        return view

    async def _fresh(self, session: AsyncSession, caller: Caller, customer: Customer, data: SubscriptionCreate,
                     standing: PartnerStanding, today: date) -> tuple[Subscription, list[str]]:
        provider, catalog = data.provider, self.pricing.catalogs[data.provider]
        card = {f: getattr(customer, f) for f in CARD_FIELDS}
        missing = card_missing(card)[provider]
        if missing:
            raise InvalidField("customer_id", f"fill the card first ({PROFILES[provider].card_rule}): {', '.join(missing)}",
                               rule="FAM-ONB-04")
        mains = await self._mains(session, caller, customer.id, provider)
        kind, main, tariff_ref, start, months = data.kind, None, data.tariff, data.start, data.months
        if kind in ("conversion", "change"):
            raise InvalidField("kind", f"{kind!r} is a Rarus order")
        if kind == "renewal":  # FAM-SUB-08: a new main subscription made the standard way; by default a copy
            previous = await self._owned(session, caller, data.renews_id) if data.renews_id else (mains[-1] if mains else None)
            if previous is None or previous.kind != "main" or (previous.customer_id, previous.provider) != (customer.id, provider):
                raise InvalidField("renews_id", f"the customer has no main subscription at {provider} to renew")
            tariff_ref, kind = data.tariff or previous.tariff_code or previous.tariff, "main"
            start = start or max(previous.end + timedelta(days=1), today)  # the day after it, or today once it ended
            months = months or previous.months_charged or None  # a tariff of fixed days (FR-SUB-19) has no months
        elif kind in ("upgrade", "addon_sessions", "addon_bases"):
            if data.main_id is None:
                raise InvalidField("main_id", f"{kind} attaches to a main subscription")
            main = await self._owned(session, caller, data.main_id)
            if main.kind != "main" or main.status not in LIVE:
                raise InvalidField("main_id", "not a live main subscription")
        tariff_ref = tariff_ref or catalog.default_tariffs.get("first" if kind == "main" else kind)
        tariff = catalog.tariff(tariff_ref or "")
        if tariff is None:
            raise InvalidField("tariff", f"{provider} has no tariff {tariff_ref!r}")
        start = start or today
        pricing_kind, line = kind, []
        if kind == "main":
            if start < today and tariff.backdate_rule is None:  # add-ons and upgrades: the engine (FAM-SUB-05/09)
                raise InvalidField("start", f"{start.isoformat()} is before the day of ordering ({today.isoformat()}): a "
                                   "subscription starts that day or later", rule="FAM-SUB-02")
            line = [m for m in mains if (t := catalog.tariff(m.tariff_code or m.tariff)) is None or t.same_line(tariff)]
            pricing_kind = subscription_kind(len(line))
            self._no_downgrade(line, tariff, start, today, catalog)
            self._after(mains, tariff, start)
        if main is not None and kind == "upgrade" and tariff.upgrade_from not in (None, main.tariff, main.tariff_code):
            raise InvalidField("tariff", f"{tariff.label!r} upgrades {tariff.upgrade_from!r}, not {main.tariff!r}",
                               rule="FAM-SUB-09")
        request = msgspec.convert({
            "provider": provider, "kind": pricing_kind, "tariff": tariff.code or tariff.name, "months": months,
            "start": start.isoformat(), "created_on": today.isoformat(), "quantity": data.quantity,
            "customer": {"new_to_1c": customer.new_to_1c},
            "main": {"start": main.start.isoformat(), "end": main.end.isoformat()} if main else None,
        }, SubscriptionPriceRequest)
        price = self.pricing.price(request, standing)
        due = price.customer_monthly if price.customer_monthly is not None else price.retail_price
        customer_price = data.customer_price if data.customer_price is not None else due
        if customer_price < due:
            raise InvalidField("customer_price", f"below the recommended retail price {due}: dumping", rule="FAM-SUB-03")
        if data.customer_price_includes_vat and catalog.vat_exempt:
            raise InvalidField("customer_price_includes_vat", "the applications are VAT-exempt; a price 'including VAT' "
                               "on top of retail is dumping", rule="FR-SUB-04")
        if tariff.its_level:
            self._its(customer, tariff, price.end)
        if tariff.gate and not await self._gate_passed(session, customer.id, provider):
            raise InvalidField("tariff", "the ЕГИСЗ support has not approved the connection yet; invoice after it",
                               rule=tariff.gate_rule)
        if price.start < today and price.end < today:
            raise InvalidField("start", f"the period {price.start.isoformat()}–{price.end.isoformat()} is over before "
                               "the day of ordering", rule=tariff.backdate_rule)
        self._paid(data, customer_price, today)
        end, rules = price.end, set(price.rules) | {"FAM-SUB-01", "FAM-SUB-03"}
        if kind == "main" and mains and mains[-1].extension == "promised_payment" and start > mains[-1].end:
            end -= timedelta(days=PROMISED_PAYMENT_DAYS)  # FAM-SUB-07: the promised week is paid back
            rules.add("FAM-SUB-07")
        warnings = list(price.warnings) + self._overlaps(line, tariff, price.start, end, catalog)
        return Subscription(
            partner_id=caller.partner_id, customer_id=customer.id, provider=provider, kind=kind, pricing_kind=pricing_kind,
            tariff=tariff.name, tariff_code=tariff.code, quantity=data.quantity, start=price.start, end=end,
            months_charged=price.months_charged, currency=price.currency, retail=price.retail_price,
            discount_percent=price.discount_percent, partner_cost=price.partner_cost,
            partner_monthly=price.partner_monthly, customer_price=customer_price, invoice_due=price.invoice_due,
            paid_amount=data.payment.amount if data.payment else None, paid_on=data.payment.paid_on if data.payment else None,
            payment_document=data.payment.document if data.payment else None, main_id=main.id if main else None,
            rules=sorted(rules), status="requested",
            created_at=utcnow(), updated_at=utcnow()), warnings

    @staticmethod
    def _paid(data: SubscriptionCreate, due: Decimal, today: date) -> None:
        """FAM-SUB-01: created only after the customer paid — on the day of ordering or before — the whole
        period at once. A preview needs no payment, but one it names is checked the same way."""
        if data.payment is None:
            if data.dry_run:
                return
            raise InvalidField("payment", "record the customer's payment first: a paid subscription follows payment",
                               rule="FAM-SUB-01")
        if data.payment.paid_on > today:
            raise InvalidField("payment.paid_on", f"paid on {data.payment.paid_on.isoformat()}, after the day of ordering "
                               f"({today.isoformat()}): a paid subscription follows the payment", rule="FAM-SUB-01")
        if data.payment.amount < due:
            raise InvalidField("payment.amount", f"{data.payment.amount} < {due}: the whole period is paid up front; "
                               "instalments are dumping", rule="FAM-SUB-01")

    @staticmethod
    def _after(mains: list[Subscription], tariff: Any, start: date) -> None:
        """FR-SUB-19, FK-SUB-19: the free base tariff first; an extra register on top of a paid one."""
        if not tariff.after:
            return
        live = {ref for m in mains if m.start <= start <= m.end for ref in (m.tariff_code, m.tariff) if ref}
        if not live & set(tariff.after):
            raise InvalidField("tariff", f"{tariff.label!r} comes on top of {' or '.join(tariff.after)}: order that first",
                               rule=tariff.after_rule)

    @staticmethod
    def _its(customer: Customer, tariff: Any, end: date) -> None:
        """FR-SUB-17, FK-SUB-17: ITS transition tariffs only for the partner's own ITS customers of the
        right level (and payment form), over a period that covers the ITS contract's end."""
        its = customer.its or {}
        problems = []
        if its.get("level") != tariff.its_level:
            problems.append(f"a local ITS {tariff.its_level} contract")
        if tariff.its_payment and its.get("payment") != tariff.its_payment:
            problems.append(f"paid {tariff.its_payment}")
        if its and not its.get("with_us", True):
            problems.append("with this partner (the customer's ITS is with another one)")
        if problems:
            raise InvalidField("tariff", f"{tariff.label!r} needs " + ", ".join(problems), rule=tariff.its_rule)
        if tariff.its_cover_end and its.get("end_date") and end < date.fromisoformat(str(its["end_date"])):
            raise InvalidField("months", f"the period must cover the ITS end date {its['end_date']}", rule=tariff.its_rule)

    @staticmethod
    def _no_downgrade(mains: list[Subscription], tariff: Any, start: date, today: date, catalog: Any) -> None:
        """FAM-SUB-10: a lower tariff is ordered only once the current one has ended («по истечении основной»),
        so neither inside it nor as a renewal after it while it runs; помесячно ones may be shortened first."""
        for current in mains:
            current_tariff = catalog.tariff(current.tariff_code or current.tariff)
            if current.start <= start and today <= current.end and current_tariff and not current_tariff.monthly \
                    and tariff.replaces(current_tariff) and tariff.level < current_tariff.level:
                raise InvalidField("tariff", f"no downgrade: {current.tariff!r} runs until {current.end.isoformat()}; "
                                   f"a lower tariff is ordered after it ends", rule="FAM-SUB-10")

    @staticmethod
    def _overlaps(mains: list[Subscription], tariff: Any, start: date, end: date, catalog: Any) -> list[str]:
        """A main subscription over the days of a live main of the same line that it would replace: the customer
        pays twice for them. Said, not refused (FAM-SUB-08: a renewal starts after the end; more is an upgrade)."""
        return [f"overlaps the live main subscription {m.id} ({m.tariff}, {m.start.isoformat()}–{m.end.isoformat()}): "
                "the customer pays twice for the days in common; a renewal starts the day after it ends (FAM-SUB-08), "
                "more of a tariff is an upgrade or an add-on (FAM-SUB-09, FAM-SUB-05)"
                for m in mains if m.start <= end and start <= m.end
                and (current := catalog.tariff(m.tariff_code or m.tariff)) is not None and tariff.replaces(current)]

    async def _gate_passed(self, session: AsyncSession, customer_id: str, provider: str) -> bool:
        approved = await session.scalar(select(func.count()).select_from(Enrollment).where(
            Enrollment.customer_id == customer_id, Enrollment.provider == provider, Enrollment.egisz_approved_at.is_not(None)))
        return bool(approved)

    async def extend(self, session: AsyncSession, caller: Caller, subscription_id: str) -> SubscriptionOut:
        """Ask for the free 7-day extension (FAM-SUB-06) — or, for an ended subscription, the promised
        payment (FAM-SUB-07), which the next paid subscription pays back with 7 days. Once: a second
        request, however close behind, is a 409."""
        row = await self._owned(session, caller, subscription_id, for_update=True)
        if PROFILES[row.provider].self_extension is None:
            raise InvalidField("subscription", f"{PROFILES[row.provider].title} offers no self-service extension",
                               rule="FAM-SUB-06")
        if row.kind != "main" or row.status != "active" or row.provider_number is None:
            raise InvalidField("subscription", "only an active main subscription at the provider can be extended")
        pending = await session.scalar(select(func.count()).select_from(Operation).where(
            Operation.kind == "prolong", Operation.customer_id == row.customer_id,
            Operation.status.in_((outbox.PENDING, outbox.RUNNING, outbox.SUCCEEDED)),
            Operation.payload["subscription_id"].as_string() == row.id))
        if row.extension is not None or pending:
            raise Conflict("the self-extension was already used: it is free once per subscription",
                           field="subscription", rule="FAM-SUB-06")
        outbox.enqueue(session, partner_id=caller.partner_id, provider=row.provider, kind="prolong",
                       payload={"subscription_id": row.id}, customer_id=row.customer_id)
        audit.record(session, caller, "subscription", row.id, "extension_requested")
        return out(row)

    async def correct(self, session: AsyncSession, caller: Caller, subscription_id: str,
                      data: SubscriptionCorrection) -> SubscriptionOut:
        """Within the provider's self-service window the change goes through its API; later in the calendar
        month of creation it is a request to the provider's mailbox (RULES §5); after that, refused.
        One correction at a time: while one is on its way to the provider, another is a 409."""
        row = await self._owned(session, caller, subscription_id, for_update=True)
        profile = PROFILES[row.provider]
        if data.reason == "customer_not_paid":
            raise InvalidField("reason", "a subscription is never corrected or cancelled because the customer did not "
                               "pay (refunds are exceptional, with documents)", rule="FAM-SUB-13")
        if profile.correction_rule is None or row.kind != "main":
            raise InvalidField("subscription", "only a Fresh-family main subscription is corrected this way")
        if row.provider_number is None:
            raise InvalidField("subscription", "the subscription is not at the provider yet")
        if not data.cancel and data.start is None and data.months is None:
            raise InvalidField("months", "say what to correct (start, months) or cancel")
        if await self._correction_in_flight(session, row):
            raise Conflict("a correction of this subscription is already on its way to the provider; wait for it",
                           field="subscription", rule=profile.correction_rule)
        now = self.pricing.clock.now()
        changes = {"start": data.start.isoformat() if data.start else None, "months": data.months, "cancel": data.cancel}
        shortening = row.partner_monthly is not None and data.start is None and not data.cancel \
            and data.months is not None and data.months < row.months_charged
        if shortening:
            used = months_charged(row.start, max(self.pricing.clock.today(), row.start))
            if data.months < used:  # type: ignore[operator]
                raise InvalidField("months", f"{used} month(s) have started and are billed in full", rule="FAM-SUB-11")
        if shortening or (not data.cancel and now - row.created_at <= timedelta(minutes=profile.self_correction_minutes)):
            outbox.enqueue(session, partner_id=caller.partner_id, provider=row.provider, kind="correct",
                           payload={"subscription_id": row.id, **changes}, customer_id=row.customer_id)
            route = "api"
        elif moscow_month(now) == moscow_month(row.created_at):
            customer = await owned(session, caller, row.customer_id)
            what = "Отмена" if data.cancel else "Корректировка"
            await mailbox.ask_provider(
                session, caller, row.provider, about="subscription", about_id=row.id,
                subscriber=(customer.accounts or {}).get(profile.account_field),
                subject=f"{what} подписки №{row.provider_number} ({profile.correction_rule})",
                lines=[f"Номер подписки: {row.provider_number}", f"Тариф: {row.tariff}",
                       f"{what}: {msgspec.json.encode(changes).decode()}", f"Причина: {data.reason}. {data.comment or ''}"],
                label=f"correction-{row.id}-{int(now.timestamp())}", customer_id=row.customer_id)
            route = "mail"
        else:
            raise InvalidField("subscription", f"corrections are accepted only within the calendar month of creation "
                               f"({moscow_month(row.created_at)})", rule=profile.correction_rule)
        row.provider_data = {**(row.provider_data or {}), "correction": {**changes, "route": route, "reason": data.reason,
                                                                          "requested_at": now.isoformat()}}
        audit.record(session, caller, "subscription", row.id, f"correction_{route}", after=changes)
        return out(row)

    @staticmethod
    async def _correction_in_flight(session: AsyncSession, row: Subscription) -> bool:
        """A `correct` call or a correction e-mail about ``row`` still queued or running."""
        waiting = await session.scalar(select(func.count()).select_from(Operation).where(
            Operation.partner_id == row.partner_id, Operation.customer_id == row.customer_id,
            Operation.status.in_((outbox.PENDING, outbox.RUNNING)),
            or_(Operation.kind == "correct",
                (Operation.kind == mailbox.MAIL) & (Operation.payload["about"].as_string() == "subscription")),
            Operation.payload["subscription_id"].as_string() == row.id))
        return bool(waiting)

    async def _rarus(self, session: AsyncSession, caller: Caller, customer: Customer, data: SubscriptionCreate,
                     today: date) -> Subscription:
        if data.kind not in ("conversion", "change"):
            raise InvalidField("kind", "Rarus orders are 'conversion' (trial to paying) or 'change'")
        if not data.seat_plan:
            raise InvalidField("seat_plan", "name the seat plan the customer pays for", rule="RA-PRICE-02")
        live = [s for s in await self._mains(session, caller, customer.id, "rarus", kinds=("conversion",))]
        if data.kind == "conversion" and live:
            raise InvalidField("kind", "the customer already pays; order a change", rule="RA-BILL-02")
        if data.kind == "change" and not live:
            raise InvalidField("kind", "convert the trial to paying first", rule="RA-BILL-01")
        engine: RarusEngine = self.pricing.engines["rarus"]  # type: ignore[assignment]
        need = msgspec.convert({"region": "ru", "months": 1, "seat_plan": msgspec.to_builtins(data.seat_plan),
                                "options": data.options, "providers": ["rarus"]}, QuoteRequest)
        offer = engine.quote(need, PartnerStanding(), today)
        if not offer.eligible or offer.monthly_price is None:
            raise InvalidField("seat_plan", offer.reason or "not priced", rule="RA-PRICE-05")
        monthly = Money(offer.monthly_price, "RUB").rounded().amount
        if data.kind == "conversion":  # RA-BILL-01: whole calendar months, the second half runs to the next month's end
            months = data.months or 1
            invoice = first_invoice(today, months, monthly)
        else:  # RA-BILL-02: a paying customer's rise is a surcharge for the rest of the paid period
            invoice = await self._change_invoice(session, caller, customer.id, live[-1], monthly, today)
            months = months_charged(invoice.start, max(invoice.start, invoice.end))
        return Subscription(
            partner_id=caller.partner_id, customer_id=customer.id, provider="rarus", kind=data.kind, pricing_kind=None,
            tariff=offer.tariff or "Единый", tariff_code=None, quantity=offer.connections or 1, start=invoice.start,
            end=invoice.end, months_charged=months, currency="RUB", retail=max(invoice.amount, Decimal("0.00")),
            discount_percent=None, partner_cost=Decimal("0.00"), partner_monthly=None, customer_price=monthly,
            invoice_due=None, main_id=live[-1].id if live else None, seat_plan=msgspec.to_builtins(data.seat_plan),
            options=list(data.options), rules=["RA-BILL-01" if data.kind == "conversion" else "RA-BILL-02", "RA-PRICE-02"],
            status="requested", created_at=utcnow(), updated_at=utcnow())

    async def _change_invoice(self, session: AsyncSession, caller: Caller, customer_id: str, conversion: Subscription,
                              monthly: Decimal, today: date) -> RarusInvoice:
        """RA-BILL-02, as the provider bills it (pricing.change_invoice): free before the conversion is paid;
        then the difference to the monthly price now applied, over the rest of the paid period."""
        if conversion.status != "active":  # no paid period yet: the provider changes the plan free
            return RarusInvoice(today, conversion.end, {})
        applied = [o for o in await self._mains(session, caller, customer_id, "rarus", kinds=("conversion", "change"))
                   if o.status == "active"]
        current = max(applied, key=lambda o: o.created_at).customer_price
        paid = (conversion.provider_data or {}).get("paid") or {}
        paid_through = date.fromisoformat(paid["paid_through"]) if paid.get("paid_through") else conversion.end
        return change_invoice(today, paid_through, current, monthly)

    # --- what the worker reports ---------------------------------------------------------------------------
    async def step_succeeded(self, session: AsyncSession, operation: Operation, result: dict[str, Any], now: datetime) -> None:
        """Store what the provider did; where its figures differ from the hub's, record it (hub/subscriptions/agreement.py).
        A step that succeeds clears the failure an earlier attempt left (an order retried after it gave up)."""
        row = await self._locked(session, operation)
        if row is None:
            return
        row.updated_at, row.failure = now, None
        if operation.kind == "create_subscription":
            row.provider_number, row.provider_data, row.status = str(result["number"]), result, "active"
            await self._agrees_fresh(session, row, result, now)
            self._event(session, row, "subscription_active", provider_number=row.provider_number)
            await self._enrollment_paid(session, row)
        elif operation.kind in ("rarus_convert", "rarus_change"):
            row.provider_data = result
            row.provider_number = str(result.get("id") or result.get("surcharge_invoice") or "")
            self._agrees_rarus_order(session, operation.kind, row, result, now)
            if result.get("applied") is True:
                row.status = "active"
                self._event(session, row, "subscription_active", monthly=result.get("monthly"))
            else:
                row.status = "awaiting_payment"
                self._event(session, row, "subscription_awaiting_payment",
                            invoice=result.get("id") or result.get("surcharge_invoice"), amount=result.get("amount"))
                outbox.enqueue(session, partner_id=row.partner_id, provider="rarus", kind="poll_payment",
                               payload=operation.payload, customer_id=row.customer_id, due=now + self.poll_every)
        elif operation.kind == "correct":
            await self._corrected(session, row, operation.payload, result, now)
        elif operation.kind == mailbox.MAIL:
            row.provider_data = {**(row.provider_data or {}), "correction": {
                **(row.provider_data or {}).get("correction", {}), "sent": result.get("message_id")}}
        elif operation.kind == "prolong":
            row.extension = result["extension"]
            row.extended_until = date.fromisoformat(result["extended_until"])
            self._event(session, row, "subscription_extended", extension=row.extension,
                        extended_until=row.extended_until.isoformat())
        elif operation.kind == "poll_payment":
            row.status = "active"
            row.provider_data = {**(row.provider_data or {}), "paid": result}
            expected = {"customer_price": row.customer_price, **({"end": row.end} if row.kind == "conversion" else {})}
            provider = {"customer_price": result.get("monthly"), "end": result.get("paid_through")}
            found = agreement.differing(expected, provider)
            invoiced_to = (row.provider_data or {}).get("period_end")
            causes = {"customer_price": agreement.monthly_cause(row, result),
                      "end": "follows from the provider's invoice period (RA-BILL-01)" if invoiced_to == result.get("paid_through")
                      else f"the provider's paid period runs to {result.get('paid_through')}, the hub's invoice to "
                           f"{row.end.isoformat()} (a renewal invoice paid meanwhile, RA-BILL-01)"}
            agreement.record(session, row, operation.kind, expected, found, causes, now)
            self._event(session, row, "subscription_paid", paid_through=result.get("paid_through"),
                        monthly=result.get("monthly"))
            self._event(session, row, "subscription_active")
            await self._enrollment_paid(session, row)

    @staticmethod
    def _event(session: AsyncSession, row: Subscription, kind: str, **data: Any) -> None:
        emit_for(session, row.partner_id, kind, customer_id=row.customer_id, subscription_id=row.id,
                 provider=row.provider, subscription_kind=row.kind, status=row.status, **data)

    async def _agrees_fresh(self, session: AsyncSession, row: Subscription, result: dict[str, Any], now: datetime,
                            step: str = "create_subscription") -> None:
        """Every figure the Service Manager reports against the hub's: period, retail, discount, partner amount."""
        expected = {"start": row.start, "end": row.end, "months_charged": row.months_charged, "retail": row.retail,
                    "discount_percent": row.discount_percent, "partner_cost": row.partner_cost}
        provider = {"start": result.get("start"), "end": result.get("end"), "months_charged": result.get("months_charged"),
                    "retail": result.get("retail"), "discount_percent": result.get("discount_percent"),
                    "partner_cost": result.get("amount")}
        found = agreement.differing(expected, provider)
        causes: dict[str, str] = {}
        if found:
            customer = await session.get(Customer, row.customer_id)
            main = await session.get(Subscription, row.main_id) if row.main_id else None
            standing = await standing_of(session, row.partner_id)
            request = agreement.price_request(row, customer.new_to_1c if customer else None, main)
            causes = agreement.fresh_causes(found, row, self.pricing.engines[row.provider], standing, request,
                                            self.pricing.clock.today())
        agreement.record(session, row, step, expected, found, causes, now)

    def _agrees_rarus_order(self, session: AsyncSession, step: str, row: Subscription, result: dict[str, Any],
                            now: datetime) -> None:
        """A conversion invoice (RA-BILL-01) or a change's surcharge (RA-BILL-02) against the hub's preview."""
        expected: dict[str, Any] = {"retail": row.retail}
        provider: dict[str, Any] = {"retail": result.get("amount")}
        if step == "rarus_convert":
            expected.update(start=row.start, end=row.end)
            provider.update(start=result.get("period_start"), end=result.get("period_end"))
        elif result.get("applied") is True and not result.get("already"):
            provider["retail"] = result.get("amount", "0.00")  # applied at once: nothing to pay
            expected["customer_price"], provider["customer_price"] = row.customer_price, result.get("monthly")
        found = agreement.differing(expected, provider)
        agreement.record(session, row, step, expected, found, agreement.invoice_causes(found, row, result), now)

    async def _corrected(self, session: AsyncSession, row: Subscription, asked: dict[str, Any], result: dict[str, Any],
                         now: datetime) -> None:
        """After a correction the subscription shows one calculation: the hub's own, as /prices/subscription gives
        it for the corrected period (FR-SUB-12) — or, for a помесячно shortening, the same subscription with fewer
        monthly parts (FAM-SUB-10/11). The provider's figures replace the old ones in ``provider_data`` and are
        compared with it."""
        start = date.fromisoformat(asked["start"]) if asked.get("start") else row.start
        months = asked.get("months") or row.months_charged
        shortening = row.partner_monthly is not None and not asked.get("start") and months < row.months_charged
        customer = await session.get(Customer, row.customer_id)
        standing = await standing_of(session, row.partner_id)
        request = agreement.price_request(row, customer.new_to_1c if customer else None, None, start=start, months=months)
        if shortening:
            assert row.partner_monthly is not None
            row.end, row.months_charged = period_end(row.start, months), months
            row.partner_cost = (Money(row.partner_monthly, row.currency) * months).rounded().amount
        else:
            try:
                price = self.pricing.engines[row.provider].price(request, standing, self.pricing.clock.today())  # type: ignore[attr-defined]
            except PricingError:  # the hub cannot price it any more (a tariff withdrawn): the provider's figures stand
                price = None
            if price is None:
                row.start, row.end = date.fromisoformat(result["start"]), date.fromisoformat(result["end"])
                row.months_charged, row.retail = result["months_charged"], Decimal(str(result["retail"]))
                row.discount_percent, row.partner_cost = result.get("discount_percent"), Decimal(str(result["amount"]))
            else:
                row.start, row.end, row.months_charged = price.start, price.end, price.months_charged
                row.retail, row.discount_percent, row.partner_cost = price.retail_price, price.discount_percent, price.partner_cost
                row.partner_monthly, row.invoice_due = price.partner_monthly, price.invoice_due
        reported = {k: result[k] for k in ("start", "end", "months_charged", "retail", "discount_percent", "amount",
                                           "partner_monthly") if k in result}
        row.provider_data = {**(row.provider_data or {}), **reported}
        await self._agrees_fresh(session, row, result, now, step="correct")
        self._event(session, row, "subscription_corrected", start=row.start.isoformat(), end=row.end.isoformat(),
                    months_charged=row.months_charged, partner_cost=row.partner_cost)

    async def _enrollment_paid(self, session: AsyncSession, row: Subscription) -> None:
        # conditional: an enrollment cancelled meanwhile stays cancelled
        await session.execute(update(Enrollment).where(
            Enrollment.customer_id == row.customer_id, Enrollment.provider == row.provider,
            Enrollment.state.in_(("trial_active", "ready_for_paid"))).values(state="active_paid", updated_at=utcnow())
            .execution_options(synchronize_session="fetch"))

    async def step_failed(self, session: AsyncSession, operation: Operation, error: str, rule: str | None,
                          now: datetime) -> None:
        """An order that gave up fails; a correction, extension or e-mail that gave up leaves the subscription as
        it runs at the provider, with the failure shown."""
        row = await self._locked(session, operation)
        if row is None:
            return
        row.failure, row.updated_at = error, now
        if operation.kind in ORDERING:
            row.status = "failed"
        self._event(session, row, "subscription_failed" if operation.kind in ORDERING else "subscription_step_failed",
                    step=operation.kind, error=error, rule=rule)

    @staticmethod
    async def _locked(session: AsyncSession, operation: Operation) -> Subscription | None:
        """The operation's subscription, locked against a change requested through the API meanwhile."""
        return await session.get(Subscription, operation.payload["subscription_id"], with_for_update=True,
                                 populate_existing=True)

    # --- reading --------------------------------------------------------------------------------------------
    async def _mains(self, session: AsyncSession, caller: Caller, customer_id: str, provider: str,
                     kinds: tuple[str, ...] = ("main",)) -> list[Subscription]:
        return list(await session.scalars(select(Subscription).where(
            Subscription.partner_id == caller.partner_id, Subscription.customer_id == customer_id,
            Subscription.provider == provider, Subscription.kind.in_(kinds), Subscription.status.in_(LIVE))
            .order_by(Subscription.start, Subscription.created_at)))

    async def _owned(self, session: AsyncSession, caller: Caller, subscription_id: str, *,
                     for_update: bool = False) -> Subscription:
        return await owned_row(session, Subscription, caller, subscription_id, "subscription", for_update=for_update)

    async def read(self, session: AsyncSession, caller: Caller, subscription_id: str) -> SubscriptionOut:
        return out(await self._owned(session, caller, subscription_id))

    async def search(self, session: AsyncSession, caller: Caller, *, customer_id: str | None, provider: str | None,
                     kind: str | None, ending_from: date | None, ending_to: date | None, limit: int,
                     offset: int, status: str | None = None) -> SubscriptionPage:
        if status is not None and status not in STATUSES:
            raise InvalidField("status", f"one of {', '.join(STATUSES)}")
        where = [Subscription.partner_id == caller.partner_id]
        where += matching((Subscription.customer_id, customer_id), (Subscription.provider, provider),
                          (Subscription.kind, kind), (Subscription.status, status))
        if ending_from:
            where.append(Subscription.end >= ending_from)
        if ending_to:
            where.append(Subscription.end <= ending_to)
        items, total = await page(session, Subscription, where, (Subscription.created_at, Subscription.id), limit, offset, out)
        return SubscriptionPage(items, total, limit, offset)
