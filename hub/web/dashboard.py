"""Обзор (/): what needs the operator today, on one page — enrollments by state with their next step and
expected time (GET /api/v1/enrollments), outbound steps failing or being retried with their last error
(GET /api/v1/operations), trials ending within a week, renewals due within 30 days with their preview price
(GET /api/v1/reports/renewals), the subscriptions running today with their price and the partner's income,
expiry notices due today (GET /api/v1/reports/notices), subscriptions whose
provider figures differ from the hub's, and each provider's circuit (GET /health). Every row links to its
customer's card. Read only: the same services as the API, nothing decided here."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from hub.core import outbox
from hub.core.caller import Caller
from hub.core.exceptions import REFUSALS, NotFound
from hub.core.paging import MAX_PAGE
from hub.customers import service as customers
from hub.onboarding.service import Onboarding
from hub.reports import service as reports
from hub.subscriptions import SubscriptionCreate, Subscriptions
from hub.web.auth import web_caller
from hub.web.pages import page

IN_FLIGHT = ("requested", "awaiting_certificates", "invited", "trial_requested", "trial_active", "ready_for_paid",
             "failed")  # listed with their next step
SETTLED = ("active_paid", "expired", "cancelled")  # counted
TRIALS_AHEAD_DAYS = 7
RENEWALS_WITHIN_DAYS = 30
MOST = 5000  # rows a section reads at most; beyond it the page says it shows the first ones


async def every(fetch: Callable[..., Awaitable[Any]], most: int = MOST) -> tuple[list[Any], bool]:
    """All of a listing's items, page by page (at most ``most``), and whether that was all of them."""
    items: list[Any] = []
    while True:
        found = await fetch(limit=MAX_PAGE, offset=len(items))
        items += found.items
        if not found.items or len(items) >= found.total:
            return items, True
        if len(items) >= most:
            return items, False


async def _names(session: AsyncSession, caller: Caller, ids: set[str]) -> dict[str, str]:
    names = {}
    for customer_id in ids:
        try:
            names[customer_id] = (await customers.read(session, caller, customer_id)).legal_name
        except NotFound:
            continue
    return names


def running(ordered: list[Any], today: Any) -> list[dict[str, Any]]:
    """Subscriptions active at the provider today, per cloud and currency: how many, what the customers pay for
    their periods, and the partner's income on them (the customer's price less the partner's cost)."""
    book: dict[tuple[str, str], dict[str, Any]] = {}
    for s in ordered:
        if s.status != "active" or not s.start <= today <= s.end:
            continue
        row = book.setdefault((s.provider, s.currency), {"provider": s.provider, "currency": s.currency, "count": 0,
                                                          "price": Decimal(0), "income": Decimal(0)})
        row["count"] += 1
        row["price"] += s.customer_price
        row["income"] += s.customer_price - s.partner_cost
    return [book[key] for key in sorted(book)]


@get("/", include_in_schema=False)
async def dashboard(request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    onboarding: NamedDependency[Onboarding], subscriptions: NamedDependency[Subscriptions]) -> Template:
    caller = await web_caller(request, session)
    today = request.app.state.clock.today()
    complete = True
    groups = []
    for state in IN_FLIGHT:
        rows, whole = await every(lambda **window: onboarding.search(session, caller, provider=None, state=state,
                                                                     customer_id=None, **window))
        groups.append((state, rows))
        complete &= whole
    settled = {state: (await onboarding.search(session, caller, provider=None, state=state, customer_id=None, limit=1,
                                               offset=0)).total for state in SETTLED}
    trials = sorted((e for state, rows in groups if state != "failed" for e in rows
                     if e.trial_end and today <= e.trial_end <= today + timedelta(days=TRIALS_AHEAD_DAYS)),
                    key=lambda e: e.trial_end)

    operations = []
    for status in (outbox.FAILED, outbox.PENDING, outbox.RUNNING):
        rows, whole = await every(lambda **window: outbox.search(session, caller, status=status, provider=None,
                                                                 customer_id=None, **window))
        operations += [o for o in rows if o.status == outbox.FAILED or (o.attempts > 0 and o.last_error)]
        complete &= whole

    async def preview(row: Any) -> Any:  # as GET /api/v1/reports/renewals prices each renewal
        body = SubscriptionCreate(customer_id=row.customer_id, provider=row.provider, kind="renewal",
                                  renews_id=row.id, dry_run=True)
        try:
            return await subscriptions.create(session, caller, body)
        except REFUSALS as exc:
            return {"refused": exc.message, "rule": exc.rule}

    renewals = await reports.renewals_due(session, caller, today, RENEWALS_WITHIN_DAYS, preview)
    notices = await reports.notices(session, caller, today)
    ordered, whole = await every(lambda **window: subscriptions.search(
        session, caller, customer_id=None, provider=None, kind=None, ending_from=None, ending_to=None, **window))
    differing = [s for s in ordered if s.discrepancies]
    complete &= whole

    adapters = getattr(request.app.state, "adapters", None)
    health = adapters.health() if adapters is not None else {}
    ids = {e.customer_id for _, rows in groups for e in rows} | {o.customer_id for o in operations if o.customer_id}
    ids |= {s.customer_id for s in differing}
    return await page(session, caller, "dashboard.html", "dashboard", today=today, groups=groups, settled=settled,
                      trials=trials, operations=operations, renewals=renewals, notices=notices, differing=differing,
                      running=running(ordered, today),
                      health=health, complete=complete, names=await _names(session, caller, ids),
                      providers={name: p.title for name, p in PROFILES.items()})


DASHBOARD_PAGES = [dashboard]
