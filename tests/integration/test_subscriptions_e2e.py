"""A customer's whole paid life on fresh_ru and on Rarus, against the sandboxes; then the weekly digest."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import httpx

from pricing import MOSCOW, months_charged, period_end

from .live import Live, running
from .test_onboarding import drive

DESK_STANDING = {"fresh_ru": {"csk": True, "service_desk_since": "2026-01-01", "corp_eligible": True},
                 "rarus": {"partner_code": "0320", "agent_fee_percent": "20", "legal_form": "ООО"}}


async def on_trial(live: Live, worker, provider: str) -> dict:
    """A customer enrolled on ``provider`` and carried to its active trial."""
    enrollment = await live.enroll(provider)
    await drive(live, worker, lambda items: all(e["state"] == "trial_active" for e in items), medicine_days=False)
    return enrollment


async def order(live: Live, worker, **body) -> dict:
    """Preview, pay exactly what the preview says, order, and let the worker carry it out."""
    preview = await live.client.post("/api/v1/subscriptions", json={**body, "dry_run": True}, headers=live.headers)
    assert preview.status_code == 200, preview.text
    price = preview.json()["customer_price"]
    if body["provider"] != "rarus":
        body = {**body, "payment": {"amount": price, "paid_on": date.today().isoformat(), "document": "п/п 1"}}
    made = await live.client.post("/api/v1/subscriptions", json=body, headers=live.headers)
    assert made.status_code == 201, made.text
    sid = made.json()["id"]

    for _ in range(200):
        await worker.run_once()
        row = (await live.client.get(f"/api/v1/subscriptions/{sid}", headers=live.headers)).json()
        if row["status"] in ("active", "awaiting_payment", "failed"):
            break
    assert row["status"] != "failed", row
    return row


async def test_a_customers_paid_life_and_the_digest(database_url, sandboxes):
    fresh_sm = sandboxes.served["fresh_ru"].url
    httpx.post(f"{fresh_sm}/_control/partner", json=DESK_STANDING)  # as the hub's, in the same spelling
    async with running(database_url, sandboxes) as (live, worker):
        await live.client.patch("/api/v1/partner", json={"standing": DESK_STANDING}, headers=live.headers)
        fresh = await live.enroll("fresh_ru")
        rarus = await on_trial(live, worker, "rarus")
        customer = fresh["customer_id"]

        main = await order(live, worker, customer_id=customer, provider="fresh_ru", tariff="102", months=12)
        assert (main["discount_percent"], main["retail"], main["partner_cost"]) == (65, "38652.00", "13528.20")
        addon = await order(live, worker, customer_id=customer, provider="fresh_ru", kind="addon_sessions",
                            main_id=main["id"], quantity=2)
        assert addon["end"] == main["end"] and addon["discount_percent"] == 50  # FAM-SUB-05, FR-DISC-05
        upgrade_start = date.fromisoformat(main["start"]) + timedelta(days=44)
        upgrade = await order(live, worker, customer_id=customer, provider="fresh_ru", kind="upgrade",
                              main_id=main["id"], tariff="Апгрейд ПРОФ → КОРП", start=upgrade_start.isoformat())
        assert upgrade["months_charged"] == months_charged(upgrade_start, date.fromisoformat(main["end"]))
        assert upgrade["end"] >= main["end"] and upgrade["discount_percent"] == 60  # FAM-SUB-09, FR-DISC-04
        first_renewal = await order(live, worker, customer_id=customer, provider="fresh_ru", kind="renewal")
        second_renewal = await order(live, worker, customer_id=customer, provider="fresh_ru", kind="renewal")
        assert first_renewal["discount_percent"] == 60 and second_renewal["discount_percent"] == 50
        assert first_renewal["start"] == (date.fromisoformat(main["end"]) + timedelta(days=1)).isoformat()

        seat_plan = [{"users": 2, "configurations": ["bp"], "mode": "single"}]
        conversion = await order(live, worker, customer_id=rarus["customer_id"], provider="rarus", kind="conversion",
                                 seat_plan=seat_plan, months=1)
        assert conversion["status"] == "awaiting_payment"
        invoice = conversion["provider_data"]["id"]
        httpx.post(f"{sandboxes.served['rarus'].url}/_control/invoices/{invoice}/pay")
        more_users = [{"users": 4, "configurations": ["bp"], "mode": "single"}]
        for _ in range(100):
            await worker.run_once()
            if (await live.client.get(f"/api/v1/subscriptions/{conversion['id']}", headers=live.headers)).json()["status"] == "active":
                break
        change = await order(live, worker, customer_id=rarus["customer_id"], provider="rarus", kind="change",
                             seat_plan=more_users)
        assert change["status"] == "awaiting_payment"  # RA-BILL-02: a rise is paid before it applies
        httpx.post(f"{sandboxes.served['rarus'].url}/_control/invoices/{change['provider_data']['surcharge_invoice']}/pay")
        for _ in range(100):
            await worker.run_once()
            if (await live.client.get(f"/api/v1/subscriptions/{change['id']}", headers=live.headers)).json()["status"] == "active":
                break

        # what the sandboxes finally hold equals what the hub shows
        hub = (await live.client.get("/api/v1/subscriptions", params={"provider": "fresh_ru"}, headers=live.headers)).json()
        held = sandboxes.states["fresh_ru"].subscriptions
        assert len(held) == len(hub["items"]) == 5
        for row in hub["items"]:
            at_provider = held[int(row["provider_number"])]
            assert (at_provider.start.isoformat(), at_provider.end.isoformat()) == (row["start"], row["end"])
            assert (at_provider.retail, at_provider.discount_percent, at_provider.amount) == \
                (Decimal(row["retail"]), row["discount_percent"], Decimal(row["partner_cost"]))
            assert at_provider.tariff == row["tariff"] and at_provider.quantity == row["quantity"]
        client = sandboxes.states["rarus"].clients[(await live.client.get(
            f"/api/v1/customers/{rarus['customer_id']}", headers=live.headers)).json()["accounts"]["rarus_login"]]
        assert client.status == "paying" and client.seat_plan == more_users
        assert client.monthly == Decimal("4920.00")
        enrollments = {e["provider"]: e["state"] for e in await live.enrollments()}
        assert enrollments == {"fresh_ru": "active_paid", "rarus": "active_paid"}

        # the Monday digest for this history, to the line
        today = datetime.now(MOSCOW).date()  # the hub's business day
        this_week = today + timedelta(days=7 - today.weekday())  # next Monday: everything above was "last week"
        year, number, _ = this_week.isocalendar()
        digest = (await live.client.get("/api/v1/reports/weekly", params={"week": f"{year}-W{number:02d}"},
                                        headers=live.headers)).json()
        created = sorted((line["provider"], line["subscription"]) for line in digest["lines"] if line["section"] == "created")
        ids = [main, addon, upgrade, first_renewal, second_renewal, conversion, change]
        assert created == sorted((row["provider"], row["id"]) for row in ids)
        # ending within the digest's four weeks: only the short Rarus periods can (RA-BILL-01 runs a request to
        # the end of this or the next month, so whether they fall inside depends on the day the suite runs)
        window_end = (this_week + timedelta(days=27)).isoformat()
        now_held = (await live.client.get("/api/v1/subscriptions", headers=live.headers)).json()["items"]
        ending_soon = {row["id"] for row in now_held if this_week.isoformat() <= row["end"] <= window_end}
        assert {line["subscription"] for line in digest["lines"] if line["section"] == "ending"} == ending_soon
        assert all(row["provider"] == "rarus" for row in now_held if row["id"] in ending_soon)
        main_end = date.fromisoformat(main["end"])
        ending_week = main_end - timedelta(days=main_end.weekday())
        year, number, _ = ending_week.isocalendar()
        later = (await live.client.get("/api/v1/reports/weekly", params={"week": f"{year}-W{number:02d}", "format": "csv"},
                                       headers=live.headers))
        lines = list(csv.DictReader(io.StringIO(later.content.decode("utf-8-sig")), delimiter=";"))
        expected = {main["id"], addon["id"]} | ({upgrade["id"]} if upgrade["end"] <= (ending_week + timedelta(days=27)).isoformat() else set())
        assert {line["subscription"] for line in lines if line["section"] == "ending"} == expected
        assert all(line["provider"] == "fresh_ru" for line in lines)


async def test_fam_sub_06_07_self_extension_promised_payment_and_upsell(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        fresh = await on_trial(live, worker, "fresh_ru")
        customer = fresh["customer_id"]
        today = datetime.now(MOSCOW).date()
        first = await order(live, worker, customer_id=customer, provider="fresh_ru", tariff="102", months=1,
                            start=today.isoformat())

        async def extend(row) -> dict:
            asked = await live.client.post(f"/api/v1/subscriptions/{row['id']}/self-extension", headers=live.headers)
            assert asked.status_code == 202, asked.text
            for _ in range(50):
                await worker.run_once()
                shown = (await live.client.get(f"/api/v1/subscriptions/{row['id']}", headers=live.headers)).json()
                if shown["extension"]:
                    return shown
            raise AssertionError("no extension recorded")

        extended = await extend(first)
        assert extended["extension"] == "self_extension"
        again = await live.client.post(f"/api/v1/subscriptions/{first['id']}/self-extension", headers=live.headers)
        assert again.status_code == 409 and again.json()["rule"] == "FAM-SUB-06"

        second = await order(live, worker, customer_id=customer, provider="fresh_ru", kind="renewal", months=1)
        sandboxes.states["fresh_ru"].clock.advance((date.fromisoformat(second["end"]) - today).days * 86400 + 5 * 86400)
        promised = await extend(second)
        assert promised["extension"] == "promised_payment"
        third_start = date.fromisoformat(second["end"]) + timedelta(days=10)
        third = await order(live, worker, customer_id=customer, provider="fresh_ru", tariff="102", months=1,
                            start=third_start.isoformat())
        assert third["end"] == (period_end(third_start, 1) - timedelta(days=7)).isoformat()  # FAM-SUB-07
        assert "FAM-SUB-07" in third["rules"]
        held = sandboxes.states["fresh_ru"].subscriptions[int(third["provider_number"])]
        assert held.end.isoformat() == third["end"]  # the provider paid the promised week back the same way

        signals = (await live.client.get("/api/v1/reports/upsell", headers=live.headers)).json()
        assert [(s["subscription"], s["rule"]) for s in signals] == [(first["id"], "FAM-SUB-06"), (second["id"], "FAM-SUB-07")]


async def test_fr_sub_16_no_answer_approves_and_early_transfers_go_by_mail(database_url, sandboxes):
    from providers.sandbox import SandboxClock

    clock = SandboxClock()
    async with running(database_url, sandboxes, clock) as (live, worker):
        fresh = await on_trial(live, worker, "fresh_ru")
        customer = fresh["customer_id"]
        await order(live, worker, customer_id=customer, provider="fresh_ru", tariff="102", months=1)  # ≤ 30 days left

        def transfer(**body):
            return live.client.post("/api/v1/transfers", headers=live.headers, json={
                "customer_id": customer, "provider": "fresh_ru", "other_partner": "ООО Соседи", **body})

        silent = (await transfer(direction="outgoing")).json()  # counted from the hub's own end
        await worker.run_once()
        assert (await live.client.get(f"/api/v1/transfers/{silent['id']}", headers=live.headers)).json()["status"] == "awaiting_decision"
        clock.advance(24 * 3600 + 60)
        await worker.run_once()
        approved = (await live.client.get(f"/api/v1/transfers/{silent['id']}", headers=live.headers)).json()
        assert approved["status"] == "auto_approved"

        early = await transfer(direction="outgoing", early=True)
        assert early.status_code == 201 and early.json()["status"] == "early_requested"
        for _ in range(20):
            await worker.run_once()
            if sandboxes.desk.other:
                break
        [mail] = sandboxes.desk.other
        subscriber = (await live.client.get(f"/api/v1/customers/{customer}", headers=live.headers)).json()["accounts"]["fresh_ru_subscriber"]
        assert mail["to"] == "info@1cfresh.com" and f"Номер абонента: {subscriber}" in mail["body"]  # RULES §5
        assert "FR-SUB-16" in mail["subject"] and sandboxes.desk.requests == []


async def test_fr_sub_12_corrections_by_api_then_by_mail_then_refused(database_url, sandboxes):
    from providers.sandbox import SandboxClock

    clock = SandboxClock()
    async with running(database_url, sandboxes, clock) as (live, worker):
        fresh = await on_trial(live, worker, "fresh_ru")
        main = await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", tariff="102", months=12)
        url = f"/api/v1/subscriptions/{main['id']}/corrections"

        refused = await live.client.post(url, json={"reason": "customer_not_paid", "cancel": True}, headers=live.headers)
        assert refused.status_code == 422 and refused.json()["rule"] == "FAM-SUB-13"

        quick = await live.client.post(url, json={"reason": "entry_error", "months": 6}, headers=live.headers)
        assert quick.status_code == 202 and quick.json()["provider_data"]["correction"]["route"] == "api"
        for _ in range(20):
            await worker.run_once()
        fixed = (await live.client.get(f"/api/v1/subscriptions/{main['id']}", headers=live.headers)).json()
        held = sandboxes.states["fresh_ru"].subscriptions[int(main["provider_number"])]
        assert fixed["months_charged"] == held.months_charged == 6 and fixed["end"] == held.end.isoformat()

        clock.advance(11 * 60)  # past the 10-minute window: a request to info@1cfresh.com (RULES §5)
        later = await live.client.post(url, json={"reason": "customer_request", "cancel": True, "comment": "закрыли ИП"},
                                       headers=live.headers)
        assert later.json()["provider_data"]["correction"]["route"] == "mail"
        for _ in range(20):
            await worker.run_once()
            if sandboxes.desk.other:
                break
        [mail] = sandboxes.desk.other
        assert mail["to"] == "info@1cfresh.com" and f"Номер подписки: {main['provider_number']}" in mail["body"]
        assert "Номер абонента: " in mail["body"] and "Код партнера: " in mail["body"]

        first_of_next_month = (datetime.now(MOSCOW).date().replace(day=28) + timedelta(days=5)).replace(day=1)
        clock.set(datetime.combine(first_of_next_month, datetime.min.time(), MOSCOW) + timedelta(hours=12))
        too_late = await live.client.post(url, json={"reason": "entry_error", "months": 3}, headers=live.headers)
        assert too_late.status_code == 422 and too_late.json()["rule"] == "FR-SUB-12"


async def test_fk_sub_12_kazakh_corrections_go_by_mail_at_once(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        kz = await on_trial(live, worker, "fresh_kz")
        main = await order(live, worker, customer_id=kz["customer_id"], provider="fresh_kz",
                           tariff="ITSaaS РАСШИРЕННЫЙ", months=12)
        asked = await live.client.post(f"/api/v1/subscriptions/{main['id']}/corrections",
                                       json={"reason": "entry_error", "months": 6}, headers=live.headers)
        assert asked.json()["provider_data"]["correction"]["route"] == "mail"
        for _ in range(20):
            await worker.run_once()
            if sandboxes.desk.other:
                break
        [mail] = sandboxes.desk.other
        assert mail["to"] == "info@1cfresh.kz" and "FK-SUB-12" in mail["subject"]


async def test_fam_sub_10_11_a_monthly_tariff_is_shortened_any_day_by_whole_months(database_url, sandboxes):
    from providers.sandbox import SandboxClock

    clock = SandboxClock()
    httpx.post(f"{sandboxes.served['fresh_ru'].url}/_control/partner", json={"fresh_ru": {"csk": True}})  # as the hub's
    async with running(database_url, sandboxes, clock) as (live, worker):
        fresh = await on_trial(live, worker, "fresh_ru")
        monthly = await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", tariff="151", months=12)
        clock.advance(40 * 86400)  # long past the correction window; the second month has started
        sandboxes.states["fresh_ru"].clock.advance(40 * 86400)
        url = f"/api/v1/subscriptions/{monthly['id']}/corrections"
        too_short = await live.client.post(url, json={"reason": "customer_request", "months": 1}, headers=live.headers)
        assert too_short.status_code == 422 and too_short.json()["rule"] == "FAM-SUB-11"
        shortened = await live.client.post(url, json={"reason": "customer_request", "months": 2}, headers=live.headers)
        assert shortened.status_code == 202 and shortened.json()["provider_data"]["correction"]["route"] == "api"
        for _ in range(20):
            await worker.run_once()
        row = (await live.client.get(f"/api/v1/subscriptions/{monthly['id']}", headers=live.headers)).json()
        held = sandboxes.states["fresh_ru"].subscriptions[int(monthly["provider_number"])]
        assert row["months_charged"] == held.months_charged == 2 and row["end"] == held.end.isoformat()
        assert Decimal(row["partner_cost"]) == held.amount == Decimal(monthly["partner_monthly"]) * 2


async def test_fam_onb_02_trial_cancelled_by_mail_after_the_paid_subscription(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        fresh = await on_trial(live, worker, "fresh_ru")
        url = f"/api/v1/enrollments/{fresh['id']}/cancel-trial"
        early = await live.client.post(url, headers=live.headers)
        assert early.status_code == 422 and early.json()["rule"] == "FAM-ONB-02"
        await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", tariff="102", months=12)
        assert (await live.client.post(url, headers=live.headers)).status_code == 202
        for _ in range(20):
            await worker.run_once()
            if sandboxes.desk.other:
                break
        [mail] = sandboxes.desk.other
        assert mail["to"] == "info@1cfresh.com" and "тестовый период" in mail["body"]
        kinds = [e["kind"] for e in (await live.client.get("/api/v1/events", headers=live.headers)).json()["items"]]
        assert "trial_cancel_requested" in kinds and "mail_sent" in kinds


async def test_fam_sub_14_notices_are_mailed_once_and_shown_as_sent(database_url, sandboxes):
    from providers.sandbox import SandboxClock

    clock = SandboxClock()
    async with running(database_url, sandboxes, clock) as (live, worker):
        fresh = await on_trial(live, worker, "fresh_ru")
        main = await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", tariff="102", months=1)
        week_before = date.fromisoformat(main["end"]) - timedelta(days=7)
        clock.set(datetime.combine(week_before, datetime.min.time(), MOSCOW) + timedelta(hours=9))
        for _ in range(5):
            await worker.run_once()
        customer = (await live.client.get(f"/api/v1/customers/{fresh['customer_id']}", headers=live.headers)).json()
        mailed = [m for m in sandboxes.desk.other if m["to"] == customer["email"]]
        assert len(mailed) == 1 and "7 дней" in mailed[0]["subject"]
        [notice] = (await live.client.get("/api/v1/reports/notices", params={"on": week_before.isoformat()},
                                          headers=live.headers)).json()
        assert notice["offset_days"] == -7 and notice["sent_at"] is not None
        clock.advance(3600)
        await worker.run_once()
        assert len([m for m in sandboxes.desk.other if m["to"] == customer["email"]]) == 1  # never twice
