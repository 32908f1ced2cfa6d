"""Money and state that agree with the provider (issue 10), against the live sandboxes on SQLite and PostgreSQL.

Where the provider confirms other figures than the hub expected, the subscription records it (``discrepancies``),
the event feed says so and the digest shows what is really billed; Rarus previews and quotes are the invoices the
provider sends (RA-BILL-01, RA-BILL-02) with the options the hub priced; a correction leaves one calculation
(FR-SUB-12); a retried order that succeeds shows no old failure.
"""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal

import httpx

from pricing import MOSCOW, period_end
from providers.sandbox import SandboxClock

from .live import STANDING, Live, running
from .test_subscriptions_e2e import DESK_STANDING, on_trial, order

PREMIUM_SEATS = [{"users": 2, "configurations": ["bp"], "mode": "single"}]  # 2 × 1 230 + premium 2 × 300 = 3 060 a month


async def events_of(live: Live, subscription_id: str) -> list[dict]:
    page = (await live.client.get("/api/v1/events", params={"limit": 500}, headers=live.headers)).json()
    return [e for e in page["items"] if (e["data"] or {}).get("subscription_id") == subscription_id]


async def shown(live: Live, subscription_id: str) -> dict:
    return (await live.client.get(f"/api/v1/subscriptions/{subscription_id}", headers=live.headers)).json()


async def until(live: Live, worker, subscription_id: str, *statuses: str) -> dict:
    for _ in range(200):
        await worker.run_once()
        row = await shown(live, subscription_id)
        if row["status"] in statuses:
            return row
    raise AssertionError(f"{subscription_id} never became {statuses}: {row}")


def next_month_day(day: int) -> datetime:
    """10:00 in Moscow on ``day`` of next month: always ahead of the outbox's wall-clock due times."""
    today = datetime.now(MOSCOW).date()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return datetime.combine(first.replace(day=day), datetime.min.time(), MOSCOW) + timedelta(hours=10)


def part_month(monthly: Decimal, on: date) -> Decimal:
    """``monthly`` for the days from ``on`` to its month's end (the sandbox's part month, by its days)."""
    days = calendar.monthrange(on.year, on.month)[1]
    return (monthly * (days - on.day + 1) / days).quantize(Decimal("0.01"))


async def test_fr_disc_04_a_discount_the_provider_applies_otherwise_is_recorded_shown_and_billed(database_url, sandboxes):
    """The hub expects 65% (ЦСК with Сервис-деск, a new customer: FR-DISC-04); the Service Manager holds the partner
    without ЦСК and bills 20% (FR-DISC-01). The subscription still becomes active, records both figures with the
    cause, the event feed says so, and the Monday digest shows the provider's amount as the cost, flagged."""
    held_as = httpx.post(f"{sandboxes.served['fresh_ru'].url}/_control/partner", json={"fresh_ru": {"csk": False}})
    assert held_as.status_code == 200, held_as.text
    async with running(database_url, sandboxes) as (live, worker):
        await live.client.patch("/api/v1/partner", json={"standing": DESK_STANDING}, headers=live.headers)
        fresh = await on_trial(live, worker, "fresh_ru")
        main = await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", tariff="102", months=12)

        assert main["status"] == "active"
        assert (main["discount_percent"], main["partner_cost"]) == (65, "13528.20")  # the hub's expectation stays
        held = sandboxes.states["fresh_ru"].subscriptions[int(main["provider_number"])]
        assert (held.discount_percent, held.amount) == (20, Decimal("30921.60"))
        found = {d["field"]: d for d in main["discrepancies"]}
        assert set(found) == {"discount_percent", "partner_cost"}
        assert (found["discount_percent"]["expected"], found["discount_percent"]["provider"]) == (65, 20)
        assert (found["partner_cost"]["expected"], found["partner_cost"]["provider"]) == ("13528.20", "30921.60")
        cause = found["discount_percent"]["cause"]
        assert "provider applied 20%" in cause and "ЦСК standing at the provider differs" in cause
        assert "Сервис-деск standing at the provider differs" not in cause  # that alone would give 50%, not 20%
        assert "discount" in found["partner_cost"]["cause"] and found["partner_cost"]["step"] == "create_subscription"

        kinds = [e["kind"] for e in await events_of(live, main["id"])]
        assert kinds == ["subscription_ordered", "subscription_discrepancy", "subscription_active"]
        [event] = [e for e in await events_of(live, main["id"]) if e["kind"] == "subscription_discrepancy"]
        assert {d["field"] for d in event["data"]["discrepancies"]} == {"discount_percent", "partner_cost"}
        assert event["customer_id"] == fresh["customer_id"]

        today = datetime.now(MOSCOW).date()
        monday = today + timedelta(days=7 - today.weekday())  # the main was created "last week" for that digest
        year, number, _ = monday.isocalendar()
        digest = (await live.client.get("/api/v1/reports/weekly", params={"week": f"{year}-W{number:02d}"},
                                        headers=live.headers)).json()
        [line] = [line for line in digest["lines"] if line["subscription"] == main["id"]]
        assert line["partner_cost"] == "30921.60" and line["hub_partner_cost"] == "13528.20"
        assert line["provider_differs"] == "discount_percent partner_cost"


async def test_ra_bill_01_02_previews_and_quotes_are_the_invoices_rarus_sends_with_the_options(database_url, sandboxes):
    """RA-BILL-01: a conversion asked for on the 20th (the second half) runs to the end of the next month, and the
    preview, the quote and the provider's invoice say the same total; the `premium` option the hub priced reaches
    the provider (RA-PRICE-04). RA-BILL-02: a paying customer's rise on the 25th is previewed as the surcharge for
    the rest of the paid period, which is what the provider invoices. Nothing differs, so nothing is recorded."""
    clock = SandboxClock(next_month_day(20))
    sandboxes.states["rarus"].clock.set(clock.now())
    async with running(database_url, sandboxes, clock) as (live, worker):
        rarus = await on_trial(live, worker, "rarus")
        body = {"customer_id": rarus["customer_id"], "provider": "rarus", "kind": "conversion", "months": 1,
                "seat_plan": PREMIUM_SEATS, "options": ["premium"]}
        day = clock.today()
        next_end = period_end(day.replace(day=1), 2)  # the last day of the next month
        invoice_total = part_month(Decimal("3060.00"), day) + Decimal("3060.00")

        preview = (await live.client.post("/api/v1/subscriptions", json={**body, "dry_run": True}, headers=live.headers)).json()
        assert (preview["customer_price"], preview["retail"]) == ("3060.00", f"{invoice_total:.2f}")
        assert (preview["start"], preview["end"]) == (day.isoformat(), next_end.isoformat())
        quote = (await live.client.post("/api/v1/quotes", headers=live.headers, json={
            "region": "ru", "months": 1, "seat_plan": PREMIUM_SEATS, "options": ["premium"], "providers": ["rarus"],
            "created_on": day.isoformat()})).json()
        [offer] = quote["offers"]
        assert (offer["total_price"], offer["end"]) == (f"{invoice_total:.2f}", next_end.isoformat())

        conversion = await order(live, worker, **body)
        assert conversion["status"] == "awaiting_payment" and conversion["discrepancies"] == []
        state = sandboxes.states["rarus"]
        invoice = state.invoices[conversion["provider_data"]["id"]]
        assert (invoice.amount, invoice.period_end) == (invoice_total, next_end)
        client = next(iter(state.clients.values()))
        assert client.options == ["premium"] and client.monthly == Decimal("3060.00")
        httpx.post(f"{sandboxes.served['rarus'].url}/_control/invoices/{invoice.id}/pay")
        paid = await until(live, worker, conversion["id"], "active")
        assert paid["discrepancies"] == [] and paid["failure"] is None
        kinds = [e["kind"] for e in await events_of(live, conversion["id"])]
        assert kinds == ["subscription_ordered", "subscription_awaiting_payment", "subscription_paid", "subscription_active"]

        clock.advance(5 * 86400)  # the 25th: the customer takes two more users
        state.clock.advance(5 * 86400)
        rise = {**body, "kind": "change", "seat_plan": [{"users": 4, "configurations": ["bp"], "mode": "single"}]}
        rise.pop("months")
        surcharge = part_month(Decimal("3060.00"), clock.today()) + Decimal("3060.00")  # 6 120 − 3 060 a month
        previewed = (await live.client.post("/api/v1/subscriptions", json={**rise, "dry_run": True}, headers=live.headers)).json()
        assert (previewed["customer_price"], previewed["retail"]) == ("6120.00", f"{surcharge:.2f}")
        assert (previewed["start"], previewed["end"]) == (clock.today().isoformat(), next_end.isoformat())
        change = await order(live, worker, **rise)
        assert change["status"] == "awaiting_payment" and change["discrepancies"] == []
        assert state.invoices[change["provider_data"]["surcharge_invoice"]].amount == surcharge
        httpx.post(f"{sandboxes.served['rarus'].url}/_control/invoices/{change['provider_data']['surcharge_invoice']}/pay")
        applied = await until(live, worker, change["id"], "active")
        assert applied["discrepancies"] == []
        assert client.monthly == Decimal("6120.00") and client.options == ["premium"]


async def test_ra_bill_01_an_invoice_the_provider_dates_otherwise_is_recorded_with_the_calendar_rule(database_url, sandboxes):
    """The hub asks on the 14th (first half: to the end of this month); Rarus dates the request the 16th (second
    half: to the end of the next month, RA-BILL-01). The order goes on (awaiting payment) with the period and total
    recorded as the provider's, the calendar rule named as the cause."""
    clock = SandboxClock(next_month_day(14))
    sandboxes.states["rarus"].clock.set(next_month_day(16))
    async with running(database_url, sandboxes, clock) as (live, worker):
        rarus = await on_trial(live, worker, "rarus")
        conversion = await order(live, worker, customer_id=rarus["customer_id"], provider="rarus", kind="conversion",
                                 months=1, seat_plan=[{"users": 2, "configurations": ["bp"], "mode": "single"}])
        assert conversion["status"] == "awaiting_payment"
        found = {d["field"]: d for d in conversion["discrepancies"]}
        assert set(found) == {"start", "end", "retail"}
        sixteenth = next_month_day(16).date()
        assert found["end"]["provider"] == period_end(sixteenth.replace(day=1), 2).isoformat()
        assert found["end"]["expected"] == conversion["end"] == period_end(sixteenth.replace(day=1), 1).isoformat()
        assert found["retail"]["provider"] == f"{part_month(Decimal('2460.00'), sixteenth) + Decimal('2460.00'):.2f}"
        assert "RA-BILL-01" in found["end"]["cause"] and f"dated the request {sixteenth.isoformat()}" in found["end"]["cause"]
        assert "RA-BILL-01" in found["retail"]["cause"]
        assert "subscription_discrepancy" in [e["kind"] for e in await events_of(live, conversion["id"])]


async def test_fr_sub_12_a_corrected_renewal_is_one_calculation(database_url, sandboxes):
    """FR-SUB-12 with FR-DISC-04: a first renewal (60%) shortened from 12 to 6 months within the window is still a
    first renewal: 60% of 20 300 = 8 120, as /prices/subscription says — not 60% beside a 50% amount (10 150);
    `provider_data` holds the provider's new end and amount."""
    held_as = httpx.post(f"{sandboxes.served['fresh_ru'].url}/_control/partner", json=DESK_STANDING)  # as the hub's
    assert held_as.status_code == 200, held_as.text
    async with running(database_url, sandboxes) as (live, worker):
        await live.client.patch("/api/v1/partner", json={"standing": DESK_STANDING}, headers=live.headers)
        fresh = await on_trial(live, worker, "fresh_ru")
        await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", tariff="102", months=12)
        renewal = await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", kind="renewal")
        assert (renewal["pricing_kind"], renewal["discount_percent"], renewal["partner_cost"]) == ("first_renewal", 60, "15460.80")

        asked = await live.client.post(f"/api/v1/subscriptions/{renewal['id']}/corrections",
                                       json={"reason": "entry_error", "months": 6}, headers=live.headers)
        assert asked.status_code == 202 and asked.json()["provider_data"]["correction"]["route"] == "api"
        for _ in range(20):
            await worker.run_once()
        fixed = await shown(live, renewal["id"])
        priced = (await live.client.post("/api/v1/prices/subscription", headers=live.headers, json={
            "provider": "fresh_ru", "kind": "first_renewal", "tariff": "102", "months": 6, "start": renewal["start"],
            "customer": {"new_to_1c": True}})).json()
        assert priced["partner_cost"] == "8120.00"
        assert (fixed["months_charged"], fixed["retail"], fixed["discount_percent"], fixed["partner_cost"]) == \
            (6, priced["retail_price"], priced["discount_percent"], priced["partner_cost"])
        assert fixed["end"] == priced["end"] == period_end(date.fromisoformat(renewal["start"]), 6).isoformat()
        assert (fixed["provider_data"]["end"], fixed["provider_data"]["amount"]) == (fixed["end"], "8120.00")
        held = sandboxes.states["fresh_ru"].subscriptions[int(renewal["provider_number"])]
        assert (held.discount_percent, held.amount, held.end.isoformat()) == (60, Decimal("8120.00"), fixed["end"])
        assert fixed["discrepancies"] == []
        assert "subscription_corrected" in [e["kind"] for e in await events_of(live, renewal["id"])]


async def test_design_2_an_order_that_succeeds_on_retry_keeps_no_old_failure(database_url, sandboxes):
    """DESIGN §2 (the worker records each step's result): an order the provider refused once fails, with the
    failure shown and a `subscription_failed` event; retried, it becomes active and its failure is gone."""
    fresh_sm = sandboxes.served["fresh_ru"].url
    httpx.post(f"{fresh_sm}/_control/partner", json={"fresh_ru": STANDING["fresh_ru"]})  # as the hub's: nothing differs
    async with running(database_url, sandboxes) as (live, worker):
        fresh = await on_trial(live, worker, "fresh_ru")
        httpx.post(f"{fresh_sm}/_control/faults", json={"kind": "error", "status": 200,
                                                        "operation": "account/customer_subscriptions/create"})
        body = {"customer_id": fresh["customer_id"], "provider": "fresh_ru", "tariff": "102", "months": 1,
                "payment": {"amount": "100000", "paid_on": date.today().isoformat()}}
        made = await live.client.post("/api/v1/subscriptions", json=body, headers=live.headers)
        assert made.status_code == 201, made.text
        failed = await until(live, worker, made.json()["id"], "failed")
        assert "sandbox fault" in failed["failure"]
        [operation] = (await live.client.get("/api/v1/operations", params={"status": "failed"},
                                             headers=live.headers)).json()["items"]
        assert operation["kind"] == "create_subscription"
        retried = await live.client.post(f"/api/v1/operations/{operation['id']}/retry", headers=live.headers)
        assert retried.status_code == 200, retried.text
        active = await until(live, worker, failed["id"], "active")
        assert active["failure"] is None and active["provider_number"] is not None and active["discrepancies"] == []
        kinds = [e["kind"] for e in await events_of(live, failed["id"])]
        assert kinds == ["subscription_ordered", "subscription_failed", "subscription_active"]


async def test_rules_5_correction_and_transfer_mail_to_the_provider_are_events(database_url, sandboxes):
    """RULES §5 requests by e-mail (a correction after the window, FR-SUB-12; an early transfer, FR-SUB-16) show up
    in /api/v1/events as `mail_sent`, naming what they were about."""
    clock = SandboxClock()
    async with running(database_url, sandboxes, clock) as (live, worker):
        fresh = await on_trial(live, worker, "fresh_ru")
        main = await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", tariff="102", months=12)
        clock.advance(11 * 60)  # past the 10-minute window
        asked = await live.client.post(f"/api/v1/subscriptions/{main['id']}/corrections", headers=live.headers,
                                       json={"reason": "customer_request", "months": 6})
        assert asked.json()["provider_data"]["correction"]["route"] == "mail"
        transfer = (await live.client.post("/api/v1/transfers", headers=live.headers, json={
            "customer_id": fresh["customer_id"], "provider": "fresh_ru", "other_partner": "ООО Соседи",
            "direction": "outgoing", "early": True})).json()
        for _ in range(20):
            await worker.run_once()
            if len(sandboxes.desk.other) >= 2:
                break
        await worker.run_once()
        page = (await live.client.get("/api/v1/events", params={"limit": 500}, headers=live.headers)).json()
        sent = [e["data"] for e in page["items"] if e["kind"] == "mail_sent" and e["enrollment_id"] is None]
        about = {(d["about"], d.get(f"{d['about']}_id")) for d in sent}
        assert about == {("subscription", main["id"]), ("transfer", transfer["id"])}
        assert all(d["to"] == "info@1cfresh.com" and d["message_id"] for d in sent)
