"""Клиенты (/customers): the list with search, a new customer, the card (what still blocks a paid subscription
per provider, enrollments with their steps, subscriptions, events), editing it, enrolling it on a provider, and
ordering a subscription with a price preview first. Thin over the API's services: a form becomes the API's request
body, decoded by ``decode_body`` so the API's checks apply; a refusal is shown on the form (422) with what was
typed; a write runs in one transaction and redirects to the card (Post/Redirect/Get); another partner's id is a 404.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
import msgspec.inspect as mi
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from hub.core.caller import Caller
from hub.core.db.models import Event
from hub.core.exceptions import REFUSALS, NotFound
from hub.core.input_guard import decode_body
from hub.core.paging import MAX_PAGE
from hub.core.schemas import EventOut
from hub.customers import service as customers
from hub.customers.schemas import Accounts, CustomerCreate, CustomerOut, CustomerUpdate
from hub.onboarding.schemas import EnrollmentCreate
from hub.onboarding.service import Onboarding
from hub.subscriptions import SubscriptionCreate, Subscriptions
from hub.web.auth import require, web_caller
from hub.web.pages import page, refusal_text

PAGE_SIZE = 25
USER_ROWS = 3
EVENTS_SHOWN = 50
TEXT_FIELDS = ("inn", "kpp", "bin_iin", "email", "phone")
YES_NO = {"yes": True, "no": False}
ACCOUNT_TITLES = {p.account_field: p.title for p in PROFILES.values() if p.account_field}
TITLES = {name: p.title for name, p in PROFILES.items()}
# the providers whose trial names the products to try (RA-ONB-02): their catalogs give the choices
TRIAL_PRODUCTS = tuple(name for name, p in PROFILES.items() if "trial_request" in p.onboarding)
DEFAULT_TIMEZONE = next(f.default for f in msgspec.structs.fields(EnrollmentCreate) if f.name == "timezone")


def _holds_int(t: Any) -> bool:
    """Whether a field's type holds whole numbers (a form sends text)."""
    t = t.type if isinstance(t, mi.Metadata) else t
    return any(_holds_int(o) for o in t.types) if isinstance(t, mi.UnionType) else isinstance(t, mi.IntType)


NUMERIC_ACCOUNTS = {f.name for f in mi.type_info(Accounts).fields if _holds_int(f.type)}


class Values(dict):
    """Defaults read like a submitted form."""

    def getall(self, name: str, default: Any = None) -> list[Any]:
        value = self.get(name, default or [])
        return value if isinstance(value, list) else [value]


def _one(form: Any, name: str) -> str:
    return str(form.get(name) or "").strip()


def _many(form: Any, name: str) -> list[str]:
    return [str(v).strip() for v in form.getall(name, []) if str(v).strip()]


def _whole(text: str) -> Any:
    return int(text) if text.isascii() and text.isdigit() else text  # otherwise the API's check names the field


def _amount(text: str) -> str:
    return text.replace("\u00a0", "").replace(" ", "").replace(",", ".")


def card_of(form: Any) -> dict[str, Any]:
    """The card form as the body of POST/PATCH /api/v1/customers (an empty field is null)."""
    card: dict[str, Any] = {"legal_name": _one(form, "legal_name"), "country": _one(form, "country"),
                            **{f: _one(form, f) or None for f in TEXT_FIELDS},
                            "new_to_1c": YES_NO.get(_one(form, "new_to_1c"))}
    level = _one(form, "its_level")
    card["its"] = {"level": level, "payment": _one(form, "its_payment") or None,
                   "start_date": _one(form, "its_start_date") or None, "end_date": _one(form, "its_end_date") or None,
                   "support_kit": _one(form, "its_support_kit") == "on", "with_us": _one(form, "its_with_us") == "on",
                   "other_partner": _one(form, "its_other_partner") or None} if level else None
    accounts = {name: _one(form, f"account_{name}") for name in ACCOUNT_TITLES}
    card["accounts"] = {name: _whole(v) if name in NUMERIC_ACCOUNTS else v for name, v in accounts.items() if v}
    return card


def values_of(c: CustomerOut) -> Values:
    """A stored card as the form shows it."""
    v = Values({f: getattr(c, f) or "" for f in ("legal_name", "country", *TEXT_FIELDS)},
               new_to_1c={True: "yes", False: "no"}.get(c.new_to_1c, ""), its_with_us="on")
    if c.its:
        v.update(its_level=c.its.level, its_payment=c.its.payment or "", its_with_us="on" if c.its.with_us else "",
                 its_end_date=c.its.end_date.isoformat() if c.its.end_date else "",
                 its_start_date=c.its.start_date.isoformat() if c.its.start_date else "",
                 its_support_kit="on" if c.its.support_kit else "",
                 its_other_partner=c.its.other_partner or "")
    v.update({f"account_{name}": str(getattr(c.accounts, name) or "") for name in ACCOUNT_TITLES})
    return v


def enrollment_of(form: Any) -> dict[str, Any]:
    users = []
    for i in range(USER_ROWS):
        name, email, phone = (_one(form, f"user_{part}_{i}") for part in ("name", "email", "phone"))
        if name or email or phone:
            users.append({"name": name, "email": email, **({"phone": phone} if phone else {})})
    body: dict[str, Any] = {"provider": _one(form, "provider"), "users": users, "products": _many(form, "products")}
    body.update({f: _one(form, f) for f in ("tariff", "timezone") if _one(form, f)})
    return body


def order_of(form: Any, customer_id: str, dry_run: bool) -> dict[str, Any]:
    """The order form as the body of POST /api/v1/subscriptions."""
    body: dict[str, Any] = {"customer_id": customer_id, "provider": _one(form, "provider"),
                            "kind": _one(form, "kind") or "main", "quantity": _whole(_one(form, "quantity") or "1"),
                            "options": _many(form, "options"), "dry_run": dry_run,
                            "customer_price_includes_vat": _one(form, "customer_price_includes_vat") == "on"}
    body.update({f: _one(form, f) for f in ("tariff", "start", "main_id") if _one(form, f)})
    if _one(form, "months"):
        body["months"] = _whole(_one(form, "months"))
    if _one(form, "customer_price"):
        body["customer_price"] = _amount(_one(form, "customer_price"))
    seats, configurations = _one(form, "seat_users"), _many(form, "seat_configurations")
    if seats or configurations:
        body["seat_plan"] = [{"users": _whole(seats), "configurations": configurations,
                              "mode": _one(form, "seat_mode") or "single"}]
    amount, paid_on, document = (_one(form, f"payment_{f}") for f in ("amount", "paid_on", "document"))
    if amount or paid_on or document:
        body["payment"] = {"amount": _amount(amount), "paid_on": paid_on or None, **({"document": document} if document else {})}
    return body


def _choices(onboarding: Onboarding) -> dict[str, Any]:
    """What the forms offer: providers, the products and options of the trial-with-products catalogs, tariffs."""
    catalogs = [onboarding.catalogs[p] for p in TRIAL_PRODUCTS if p in onboarding.catalogs]
    return {"providers": TITLES, "account_titles": ACCOUNT_TITLES, "user_rows": range(USER_ROWS),
            "products": [(c.id, c.name) for catalog in catalogs for c in catalog.configurations],
            "options": [(a.id, a.name) for catalog in catalogs for a in catalog.addons],
            "tariffs": sorted({(t.code or t.name, f"{TITLES.get(p, p)}: {t.label}")
                               for p, catalog in onboarding.catalogs.items() for t in catalog.tariffs if t.kind != "trial"},
                              key=lambda pair: pair[1])}


async def _events(session: AsyncSession, caller: Caller, customer_id: str) -> list[EventOut]:
    """The customer's part of the partner's feed (GET /api/v1/events has no customer filter), newest first."""
    rows = await session.scalars(select(Event).where(Event.partner_id == caller.partner_id,
                                                     Event.customer_id == customer_id, Event.seq.is_not(None))
                                 .order_by(Event.seq.desc()).limit(EVENTS_SHOWN))
    return [EventOut(e.seq, e.kind, e.enrollment_id, e.customer_id, e.data, e.at) for e in rows if e.seq is not None]


async def _ordered(session: AsyncSession, caller: Caller, subscriptions: Subscriptions, customer: CustomerOut) -> list[Any]:
    return (await subscriptions.search(session, caller, customer_id=customer.id, provider=None, kind=None,
                                       ending_from=None, ending_to=None, limit=MAX_PAGE, offset=0)).items


async def _write(request: Request[Any, Any, Any], action: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    """One transaction for the change, as the API's writes (the service records the audit entry)."""
    async with request.app.state.db.sessions() as session:
        result = await action(session)
        await session.commit()
    return result


def _failed(exc: Exception) -> dict[str, Any]:
    return {"error": refusal_text(exc), "error_field": getattr(exc, "field", None)}  # type: ignore[arg-type]


class CustomerPages(Controller):
    path = "/customers"
    include_in_schema = False

    @get()
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    q: FromQuery[str | None] = None, provider: FromQuery[str | None] = None,
                    offset: FromQuery[int] = 0) -> Template:
        caller = await web_caller(request, session)
        chosen = provider if provider in PROFILES else None
        country = PROFILES[chosen].customer_country if chosen else None  # the customers that provider serves
        found = await customers.search(session, caller, q=(q or "").strip() or None, country=country,
                                       limit=PAGE_SIZE, offset=max(offset, 0))
        partial = request.headers.get("hx-request") == "true"
        return await page(session, caller, "customers_table.html" if partial else "customers.html", "customers",
                          found=found, q=q or "", provider=chosen, providers=TITLES)

    @get("/new")
    async def new(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Template:
        caller = await web_caller(request, session)
        require(caller, "operator")
        return await self._form(session, caller, Values(country="RU", its_with_us="on"), None)

    @post()
    async def create(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Template | Redirect:
        caller = await web_caller(request, session)
        require(caller, "operator")
        form = await request.form()
        try:
            data = decode_body(msgspec.json.encode(card_of(form)), CustomerCreate)
            made = await _write(request, lambda s: customers.create(s, caller, data))
        except REFUSALS as exc:
            return await self._form(session, caller, form, None, status_code=422, **_failed(exc))
        return Redirect(f"/customers/{made.id}", status_code=303)

    @get("/{customer_id:str}")
    async def card(self, request: Request[Any, Any, Any], customer_id: FromPath[str],
                   session: NamedDependency[AsyncSession], onboarding: NamedDependency[Onboarding],
                   subscriptions: NamedDependency[Subscriptions]) -> Template:
        caller = await web_caller(request, session)
        return await self._card(session, caller, onboarding, subscriptions, customer_id)

    @get("/{customer_id:str}/edit")
    async def edit_form(self, request: Request[Any, Any, Any], customer_id: FromPath[str],
                        session: NamedDependency[AsyncSession]) -> Template:
        caller = await web_caller(request, session)
        require(caller, "operator")
        try:
            customer = await customers.read(session, caller, customer_id)
        except NotFound:
            return await _missing(session, caller)
        return await self._form(session, caller, values_of(customer), customer)

    @post("/{customer_id:str}/edit")
    async def edit(self, request: Request[Any, Any, Any], customer_id: FromPath[str],
                   session: NamedDependency[AsyncSession]) -> Template | Redirect:
        caller = await web_caller(request, session)
        require(caller, "operator")
        form, now = await request.form(), request.app.state.clock.now()
        try:
            customer = await customers.read(session, caller, customer_id)
            patch = decode_body(msgspec.json.encode(card_of(form)), CustomerUpdate)
            await _write(request, lambda s: customers.update(s, caller, customer_id, patch, now))
        except NotFound:
            return await _missing(session, caller)
        except REFUSALS as exc:
            return await self._form(session, caller, form, customer, status_code=422, **_failed(exc))
        return Redirect(f"/customers/{customer.id}", status_code=303)

    @post("/{customer_id:str}/enrollments")
    async def enroll(self, request: Request[Any, Any, Any], customer_id: FromPath[str],
                     session: NamedDependency[AsyncSession], onboarding: NamedDependency[Onboarding],
                     subscriptions: NamedDependency[Subscriptions]) -> Template | Redirect:
        caller = await web_caller(request, session)
        require(caller, "operator")
        form = await request.form()
        try:
            customer = await customers.read(session, caller, customer_id)
            data = decode_body(msgspec.json.encode(enrollment_of(form)), EnrollmentCreate)
            await _write(request, lambda s: onboarding.create(s, caller, customer_id, data))
        except NotFound:
            return await _missing(session, caller)
        except REFUSALS as exc:
            return await self._card(session, caller, onboarding, subscriptions, customer_id, status_code=422,
                                    enroll_form=form, enroll=_failed(exc))
        return Redirect(f"/customers/{customer.id}#enrollments", status_code=303)

    @post("/{customer_id:str}/subscriptions/preview")
    async def preview(self, request: Request[Any, Any, Any], customer_id: FromPath[str],
                      session: NamedDependency[AsyncSession], onboarding: NamedDependency[Onboarding],
                      subscriptions: NamedDependency[Subscriptions]) -> Template | Redirect:
        return await self._ordering(request, customer_id, session, onboarding, subscriptions, dry_run=True)

    @post("/{customer_id:str}/subscriptions")
    async def order(self, request: Request[Any, Any, Any], customer_id: FromPath[str],
                    session: NamedDependency[AsyncSession], onboarding: NamedDependency[Onboarding],
                    subscriptions: NamedDependency[Subscriptions]) -> Template | Redirect:
        return await self._ordering(request, customer_id, session, onboarding, subscriptions, dry_run=False)

    async def _ordering(self, request: Request[Any, Any, Any], customer_id: str, session: AsyncSession,
                        onboarding: Onboarding, subscriptions: Subscriptions, *, dry_run: bool) -> Template | Redirect:
        """The preview (dry_run: priced on the read session, nothing changes, as in the API) or the order."""
        caller = await web_caller(request, session)
        require(caller, "operator")
        form = await request.form()
        try:
            customer = await customers.read(session, caller, customer_id)
            data = decode_body(msgspec.json.encode(order_of(form, customer_id, dry_run)), SubscriptionCreate)
            shown = await (subscriptions.create(session, caller, data) if dry_run
                           else _write(request, lambda s: subscriptions.create(s, caller, data)))
        except NotFound:
            return await _missing(session, caller)
        except REFUSALS as exc:
            return await self._order(session, caller, onboarding, subscriptions, customer, form, None, **_failed(exc))
        if dry_run:
            return await self._order(session, caller, onboarding, subscriptions, customer, form, shown)
        return Redirect(f"/customers/{customer.id}#subscriptions", status_code=303)

    @staticmethod
    async def _form(session: AsyncSession, caller: Caller, form: Any, customer: CustomerOut | None, *,
                    status_code: int = 200, **context: Any) -> Template:
        return await page(session, caller, "customer_form.html", "customers", status_code=status_code, form=form,
                          customer=customer, account_titles=ACCOUNT_TITLES, **context)

    @staticmethod
    async def _card(session: AsyncSession, caller: Caller, onboarding: Onboarding, subscriptions: Subscriptions,
                    customer_id: str, *, status_code: int = 200, **context: Any) -> Template:
        try:
            customer = await customers.read(session, caller, customer_id)
        except NotFound:
            return await _missing(session, caller)
        enrollments = await onboarding.search(session, caller, provider=None, state=None, customer_id=customer.id,
                                              limit=MAX_PAGE, offset=0)
        context.setdefault("enroll_form", Values(timezone=DEFAULT_TIMEZONE))
        return await page(session, caller, "customer.html", "customers", status_code=status_code, customer=customer,
                          enrollments=enrollments.items, subscriptions=await _ordered(session, caller, subscriptions, customer),
                          events=await _events(session, caller, customer.id), order_form=Values(quantity="1"),
                          **_choices(onboarding), **context)

    @staticmethod
    async def _order(session: AsyncSession, caller: Caller, onboarding: Onboarding, subscriptions: Subscriptions,
                     customer: CustomerOut, form: Any, shown: Any, **context: Any) -> Template:
        return await page(session, caller, "customer_order.html", "customers",
                          status_code=422 if context.get("error") else 200, customer=customer, form=form, preview=shown,
                          subscriptions=await _ordered(session, caller, subscriptions, customer),
                          **_choices(onboarding), **context)


async def _missing(session: AsyncSession, caller: Caller) -> Template:
    """Absent, or another partner's: the same 404, confirming nothing."""
    return await page(session, caller, "customer_missing.html", "customers", status_code=404)


CUSTOMER_PAGES = [CustomerPages]
