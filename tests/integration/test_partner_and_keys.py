"""Partner standing, roles, rate limits."""
from __future__ import annotations

import asyncio

from litestar.testing import TestClient

from tests.conftest import app_for, make_tenant, new_key

QUOTE = {"region": "ru", "months": 12, "seat_plan": [{"users": 1, "configurations": ["bp"]}], "providers": ["fresh_ru"]}


def test_quote_uses_the_callers_standing_unless_overridden(api):
    client, a, _, _ = api
    before = client.post("/api/v1/quotes", json=QUOTE, headers=a.headers).json()["offers"][0]
    assert before["discount_percent"] == 20  # FR-DISC-01: no ЦСК yet
    standing = {"fresh_ru": {"csk": True}, "rarus": {"partner_code": "320", "agent_fee_percent": "15", "legal_form": "ООО"}}
    updated = client.patch("/api/v1/partner", json={"standing": standing}, headers=a.headers)
    assert updated.status_code == 200, updated.text
    assert updated.json()["standing"]["rarus"]["partner_code"] == "0320"  # RA-ONB-08
    after = client.post("/api/v1/quotes", json=QUOTE, headers=a.headers).json()["offers"][0]
    assert after["discount_percent"] == 50  # FR-DISC-03 from the stored standing
    what_if = client.post("/api/v1/quotes", json={**QUOTE, "partner": {"fresh_ru": {"csk": False}}}, headers=a.headers).json()["offers"][0]
    assert what_if["discount_percent"] == 20
    rarus = client.post("/api/v1/quotes", json={**QUOTE, "providers": ["rarus"]}, headers=a.headers).json()["offers"][0]
    assert rarus["partner_income"] is not None  # RA-COMM-01 rate from the stored standing


def test_ra_onb_09_self_employed_cannot_be_a_rarus_partner(api):
    client, a, _, _ = api
    response = client.patch("/api/v1/partner", json={"standing": {"rarus": {"legal_form": "самозанятый"}}}, headers=a.headers)
    assert response.status_code == 422 and response.json()["rule"] == "RA-ONB-09"
    bad_code = client.patch("/api/v1/partner", json={"standing": {"rarus": {"partner_code": "12345"}}}, headers=a.headers)
    assert bad_code.status_code == 422 and bad_code.json()["rule"] == "RA-ONB-08"
    assert client.get("/api/v1/partner", headers=a.headers).json()["standing"]["rarus"]["legal_form"] is None


def test_roles(api):
    client, a, _, url = api
    viewer = new_key(url, a.partner_id, "viewer")
    operator = new_key(url, a.partner_id, "operator")
    body = {"legal_name": "ООО Вид", "country": "RU"}
    assert client.get("/api/v1/customers", headers=viewer).status_code == 200
    assert client.post("/api/v1/customers", json=body, headers=viewer).status_code == 403
    assert client.post("/api/v1/customers", json=body, headers=operator).status_code == 201
    assert client.patch("/api/v1/partner", json={"name": "x"}, headers=operator).status_code == 403
    assert client.patch("/api/v1/partner", json={"name": "ООО Альфа Плюс"}, headers=a.headers).status_code == 200


def test_rate_limit_per_key_with_retry_after(database_url):
    first = asyncio.run(make_tenant(database_url))
    second = new_key(database_url, first.partner_id, "viewer")
    with TestClient(app_for(database_url, rate_limit_per_minute=3)) as client:
        for _ in range(3):
            assert client.get("/api/v1/customers", headers=first.headers).status_code == 200
        limited = client.get("/api/v1/customers", headers=first.headers)
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        assert limited.json()["status"] == 429
        assert client.get("/api/v1/customers", headers=second).status_code == 200  # another key, its own budget
        assert client.get("/health").status_code == 200


def test_a_standing_patch_changes_only_the_fields_it_names(api):
    client, a, _, _ = api
    full = {"fresh_ru": {"csk": True, "partner_code": "12345"}, "medicine": {"competence_centre": True,
            "partner_subscriber_number": 48}, "rarus": {"partner_code": "0320", "agent_fee_percent": "20"}}
    assert client.patch("/api/v1/partner", json={"standing": full}, headers=a.headers).status_code == 200
    one = client.patch("/api/v1/partner", json={"standing": {"fresh_ru": {"franchise_contract_end": "2027-08-31"}}},
                       headers=a.headers)
    assert one.status_code == 200, one.text
    standing = one.json()["standing"]
    assert standing["fresh_ru"]["franchise_contract_end"] == "2027-08-31"
    assert (standing["fresh_ru"]["csk"], standing["fresh_ru"]["partner_code"]) == (True, "12345")  # kept
    assert standing["medicine"]["partner_subscriber_number"] == 48 and standing["rarus"]["agent_fee_percent"] == "20"
    cleared = client.patch("/api/v1/partner", json={"standing": {"fresh_ru": {"franchise_contract_end": None}}},
                           headers=a.headers).json()["standing"]
    assert cleared["fresh_ru"]["franchise_contract_end"] is None and cleared["fresh_ru"]["csk"] is True
