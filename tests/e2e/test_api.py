"""The HTTP API as a client sees it: shapes, problem details, never a 500."""
from __future__ import annotations

import pytest

GOOD_QUOTE = {"region": "ru", "months": 12, "seat_plan": [{"users": 3, "configurations": ["bp"]}]}


def test_health_and_schema_are_open(client):
    health = client.get("/health").json()
    assert health["status"] == "ok"
    assert health["providers"] == {p: "closed" for p in ("fresh_ru", "fresh_kz", "medicine", "rarus")}
    schema = client.get("/schema/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/quotes", "/api/v1/prices/subscription", "/api/v1/catalog/{provider}"} <= set(paths)


def test_quote_decimals_are_strings(client):
    body = client.post("/api/v1/quotes", json=GOOD_QUOTE).json()
    offer = next(o for o in body["offers"] if o["eligible"])
    assert isinstance(offer["total_price"], str) and offer["total_price"].count(".") == 1
    assert {"provider", "tariff", "currency", "eligible", "reason", "monthly_price", "total_price", "partner_cost",
            "partner_income", "lines", "warnings"} <= set(offer)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"months": 0}, "months"),
        ({"months": "twelve"}, "months"),
        ({"region": "de"}, "region"),
        ({"seat_plan": []}, "seat_plan"),
        ({"seat_plan": [{"users": -1, "configurations": ["bp"]}]}, "seat_plan[0].users"),
        ({"seat_plan": [{"users": 1, "configurations": ["bogus"]}]}, "seat_plan[0].configurations[0]"),
        ({"seat_plan": [{"users": 1, "configurations": ["bp", "zup"], "mode": "single"}]}, "seat_plan[0].mode"),
        ({"seat_plan": [{"users": 1, "configurations": ["bp"], "mode": "sometimes"}]}, "seat_plan[0].mode"),
        ({"options": ["free_lunch"]}, "options[0]"),
        ({"partner": {"rarus": {"agent_fee_percent": "120"}}}, "partner.rarus.agent_fee_percent"),
        ({"partner": {"fresh_ru": {"csk": True, "discount": 99}}}, "partner.fresh_ru.discount"),
        ({"partner": {"csk": True}}, "partner.csk"),  # one spelling: the stored standing's, per provider
        ({"surprise": 1}, "surprise"),
        ({"bases": -2}, "bases"),
        ({"providers": ["yandex"]}, "providers[0]"),
    ],
)
def test_bad_quote_is_a_422_naming_the_field(client, change, field):
    response = client.post("/api/v1/quotes", json={**GOOD_QUOTE, **change})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == [field]
    assert "Traceback" not in response.text


def test_malformed_json_is_a_400(client):
    response = client.post("/api/v1/quotes", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["status"] == 400


def test_rule_refusal_names_the_rule(client):
    response = client.post("/api/v1/prices/subscription", json={"provider": "medicine", "partner": {"fresh_ru": {"csk": True}}})
    assert response.status_code == 422
    assert response.json()["rule"] == "MED-ONB-01"
    response = client.post("/api/v1/prices/subscription", json={"provider": "fresh_ru", "tariff": "КОРП"})
    assert response.json()["rule"] == "FR-SUB-20"


def test_price_validation(client):
    cases = [
        ({"provider": "rarus"}, "provider"),
        ({"provider": "fresh_ru", "kind": "upgrade"}, "main"),
        ({"provider": "fresh_ru", "tariff": "does-not-exist"}, "tariff"),
        ({"provider": "fresh_ru", "months": 37}, "months"),
        ({"provider": "fresh_ru", "start": "2026-13-01"}, "start"),
        ({"provider": "fresh_ru", "application": "nope"}, "application"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/prices/subscription", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field


def test_catalog_lists_tariffs_with_sources(client):
    body = client.get("/api/v1/catalog/fresh_ru").json()
    prof = next(t for t in body["tariffs"] if t["code"] == "102")
    assert {"months": 12, "amount": "38652", "source": "FR-PRICE-01"} in prof["prices"]
    missing = client.get("/api/v1/catalog/nowhere")
    assert missing.status_code == 404 and missing.json()["title"] == "Not found"


def test_quote_default_date_is_the_clock(client):
    assert client.post("/api/v1/quotes", json=GOOD_QUOTE).json()["created_on"] == "2026-11-22"


def test_a_tariff_without_a_price_is_a_422_not_a_500(client):
    # the promo tariff has a 12-month price only: 6 months of it are priced nowhere
    response = client.post("/api/v1/prices/subscription", json={"provider": "fresh_ru", "tariff": "Акция. Базовый 12",
                                                               "months": 6})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "tariff"
