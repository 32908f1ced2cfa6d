"""Issue 14, 1С:Магазин расширений (FR-DISC-06): the servicing partner earns 20% of each connected extension's
retail price — in a quote where an extension is asked for, on the extension the operator records on a
customer's subscription, and in the monthly reconciliation of the provider's bill, against the fresh_ru sandbox
on SQLite and PostgreSQL."""
from __future__ import annotations

from decimal import Decimal

import httpx

from .live import running
from .test_reconciliation import PLAIN_CSK, lines_of, reconcile, statement_month
from .test_subscriptions_e2e import on_trial, order

NEED = {"region": "ru", "months": 12, "seat_plan": [{"users": 3, "configurations": ["bp"]}]}
TIMESHEET = {"name": "Учёт рабочего времени", "monthly_retail": "500"}


def test_fr_disc_06_a_quote_with_an_extension_counts_its_price_and_the_partners_20_percent(client):
    plain = {o["provider"]: o for o in client.post("/api/v1/quotes", json=NEED).json()["offers"]}
    asked = client.post("/api/v1/quotes", json={**NEED, "extensions": [TIMESHEET]})
    assert asked.status_code == 200, asked.text
    offers = {o["provider"]: o for o in asked.json()["offers"]}
    fresh, before = offers["fresh_ru"], plain["fresh_ru"]
    assert Decimal(fresh["total_price"]) - Decimal(before["total_price"]) == Decimal("6000.00")  # 12 × 500
    assert Decimal(fresh["partner_income"]) - Decimal(before["partner_income"]) == Decimal("1200.00")  # 20%
    [line] = [line for line in fresh["lines"] if "Учёт рабочего времени" in line["description"]]
    assert (line["quantity"], line["unit_price"], line["amount"], line["source"]) == (12, "500.00", "6000.00", "FR-DISC-06")
    assert "FR-DISC-06" in fresh["rules"]
    # Rarus sells no store extensions: said, not silently priced — and its offer, cheaper without the extension,
    # ranks after those that include it (it does not cover the need)
    assert any("1С:Магазин расширений" in w and "FR-DISC-06" in w for w in offers["rarus"]["warnings"])
    ranked = [o["provider"] for o in asked.json()["offers"] if o["eligible"]]
    assert offers["rarus"]["covers_need"] is False and fresh["covers_need"] is True
    assert ranked.index("fresh_ru") < ranked.index("rarus"), ranked
    assert Decimal(offers["rarus"]["total_price"]) < Decimal(fresh["total_price"])  # cheaper, yet after
    bad = client.post("/api/v1/quotes", json={**NEED, "extensions": [{"name": "", "monthly_retail": "-1"}]})
    assert bad.status_code in (400, 422) and "extensions" in bad.text, bad.text


async def test_fr_disc_06_a_recorded_extension_is_expected_on_the_statement_and_a_price_difference_shown(
        database_url, sandboxes):
    fresh_sm = sandboxes.served["fresh_ru"].url
    httpx.post(f"{fresh_sm}/_control/partner", json=PLAIN_CSK)
    async with running(database_url, sandboxes) as (live, worker):
        await live.client.patch("/api/v1/partner", json={"standing": PLAIN_CSK}, headers=live.headers)
        enrolled = await on_trial(live, worker, "fresh_ru")
        main = await order(live, worker, customer_id=enrolled["customer_id"], provider="fresh_ru", tariff="102",
                           months=12)
        subscriber = int(enrolled["account"] or (await live.client.get(
            f"/api/v1/enrollments/{enrolled['id']}", headers=live.headers)).json()["account"])

        def connected(monthly: str) -> int:  # the customer connects an extension in the store
            made = httpx.post(f"{fresh_sm}/_control/store-extensions", json={
                "subscriber": subscriber, "name": TIMESHEET["name"], "monthly_retail": monthly, "months": 12})
            assert made.status_code == 201, made.text
            return made.json()["subscription"]["number"]

        agreed, billed_more = connected("500"), connected("600")
        path = f"/api/v1/subscriptions/{main['id']}/store-extensions"
        recorded = []
        for number in (agreed, billed_more):
            made = await live.client.post(path, json={**TIMESHEET, "months": 12, "provider_number": number},
                                          headers=live.headers)
            assert made.status_code == 201, made.text
            recorded.append(made.json())
        extension = recorded[0]
        assert (extension["kind"], extension["retail"], extension["discount_percent"], extension["partner_cost"]) == \
            ("store_extension", "6000.00", 20, "4800.00")
        assert extension["tariff"] == "Расширение «Учёт рабочего времени»" and extension["status"] == "active"

        run = await reconcile(live, provider="fresh_ru", period=statement_month())
        matched = await lines_of(live, run, "matched")
        assert {line["subscription"] for line in matched} == {main["id"], extension["id"]}
        [differs] = await lines_of(live, run, "amount_mismatch")
        assert differs["subscription"] == recorded[1]["id"]
        assert (differs["expected"], differs["billed"]) == ("4800.00", "5760.00")
        assert "retail 7200.00 (the hub 6000.00)" in differs["reason"]

        refused = await live.client.post(path, json={"name": "x" * 301, "monthly_retail": "1e400"}, headers=live.headers)
        assert refused.status_code in (400, 422) and "Traceback" not in refused.text, refused.text
        outside = await live.client.post(path, json={**TIMESHEET, "start": "2030-01-01"}, headers=live.headers)
        assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "start", outside.text
        longer = await live.client.post(path, json={**TIMESHEET, "months": 13}, headers=live.headers)  # past the main
        assert longer.status_code == 422 and longer.json()["errors"][0]["field"] == "months", longer.text
        twice = await live.client.post(path, json={**TIMESHEET, "provider_number": agreed}, headers=live.headers)
        assert twice.status_code == 409 and twice.json()["errors"][0]["field"] == "provider_number", twice.text
        blank = await live.client.post(path, json={"name": "   ", "monthly_retail": "500"}, headers=live.headers)
        assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "name", blank.text
        listed = await live.client.get("/api/v1/subscriptions", params={"kind": "store_extension"}, headers=live.headers)
        assert listed.json()["total"] == 2
