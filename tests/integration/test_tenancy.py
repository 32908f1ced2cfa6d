"""Every resource is scoped to the caller's partner: another partner's is a 404, never a 403."""
from __future__ import annotations

from .helpers import RU_CUSTOMER, count


def test_customers_are_invisible_across_partners(api):
    client, a, b, _ = api
    mine = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=a.headers).json()
    url = f"/api/v1/customers/{mine['id']}"
    assert client.get(url, headers=b.headers).status_code == 404
    assert client.get("/api/v1/customers/no-such-id", headers=b.headers).json()["detail"].startswith("no customer")
    assert client.get(url, headers=b.headers).json()["title"] == client.get("/api/v1/customers/x", headers=b.headers).json()["title"]
    assert count(client, b.headers) == 0
    assert client.get("/api/v1/customers", params={"inn": RU_CUSTOMER["inn"]}, headers=b.headers).json()["items"] == []


def test_writes_to_another_partners_customer_are_404_and_change_nothing(api):
    client, a, b, _ = api
    mine = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=a.headers).json()
    response = client.patch(f"/api/v1/customers/{mine['id']}", json={"legal_name": "Захвачено"}, headers=b.headers)
    assert response.status_code == 404
    assert client.get(f"/api/v1/customers/{mine['id']}", headers=a.headers).json() == mine


def test_partner_and_audit_are_the_callers_own(api):
    client, a, b, _ = api
    client.post("/api/v1/customers", json=RU_CUSTOMER, headers=a.headers)
    assert client.get("/api/v1/partner", headers=a.headers).json()["id"] == a.partner_id
    assert client.get("/api/v1/partner", headers=b.headers).json()["id"] == b.partner_id
    b_audit = client.get("/api/v1/audit", headers=b.headers).json()["items"]
    assert all(e["resource_id"] != a.partner_id for e in b_audit)
    assert [e["resource"] for e in b_audit if e["resource"] == "customer"] == []
    client.patch("/api/v1/partner", json={"name": "ООО Бета-2"}, headers=b.headers)
    assert client.get("/api/v1/partner", headers=a.headers).json()["name"] == "ООО Альфа"


def test_same_idempotency_key_is_separate_per_partner(api):
    client, a, b, _ = api
    key = {"Idempotency-Key": "shared-key"}
    first = client.post("/api/v1/customers", json=RU_CUSTOMER, headers={**a.headers, **key})
    other = client.post("/api/v1/customers", json=RU_CUSTOMER, headers={**b.headers, **key})
    assert first.status_code == other.status_code == 201
    assert first.json()["id"] != other.json()["id"]
    assert "idempotent-replayed" not in other.headers
    assert count(client, a.headers) == count(client, b.headers) == 1


def test_no_key_or_a_bad_key_is_401(api):
    client, a, _, _ = api
    assert client.get("/api/v1/customers").status_code == 401
    assert client.get("/api/v1/customers", headers={"Authorization": "Bearer hub_nope_nope"}).status_code == 401
    assert client.get("/api/v1/customers", headers={"Authorization": a.headers["Authorization"] + "x"}).status_code == 401
    assert client.post("/api/v1/quotes", json={}).status_code == 401
    assert client.get("/health").status_code == 200
