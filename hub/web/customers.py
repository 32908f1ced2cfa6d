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
from hub.customers.schemas import CustomerCreate, CustomerOut, CustomerUpdate
from hub.onboarding.schemas import EnrollmentCreate
from hub.onboarding.service import Onboarding
from hub.subscriptions import SubscriptionCreate, Subscriptions
from hub.web.auth import require, web_caller
from hub.web.customer_forms import (
    ACCOUNT_TITLES,
    DEFAULT_TIMEZONE,
    TITLES,
    TRIAL_PRODUCTS,
    USER_ROWS,
    Values,
    card_of,
    enrollment_of,
    order_of,
    values_of,
)
from hub.web.pages import page, refusal_text

PAGE_SIZE = 25
EVENTS_SHOWN = 50
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
