"""Customers through the API on SQLite and PostgreSQL: validation, cards, filters, audit."""
from __future__ import annotations

import pytest

from .helpers import KZ_CUSTOMER, RU_CUSTOMER, count


def test_create_read_update_list(api):
    client, a, _, _ = api
    created = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=a.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["phone"] == "+79161234567" and body["version"] == 1
    assert body["created_at"].endswith(("Z", "+00:00"))
    customer_id = body["id"]
    assert client.get(f"/api/v1/customers/{customer_id}", headers=a.headers).json() == body

    changed = client.patch(f"/api/v1/customers/{customer_id}", json={"email": None, "accounts": {"fresh_ru_subscriber": 1234}},
                           headers=a.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["email"] is None and changed.json()["accounts"]["fresh_ru_subscriber"] == 1234
    assert changed.json()["inn"] == RU_CUSTOMER["inn"] and changed.json()["version"] == 2

    client.post("/api/v1/customers", json=KZ_CUSTOMER, headers=a.headers)
    page = client.get("/api/v1/customers", params={"country": "KZ"}, headers=a.headers).json()
    assert [c["legal_name"] for c in page["items"]] == ["ТОО Береке"] and page["total"] == 1
    by_name = client.get("/api/v1/customers", params={"q": "ромаш"}, headers=a.headers).json()
    assert [c["id"] for c in by_name["items"]] == [customer_id]
    first = client.get("/api/v1/customers", params={"limit": 1, "offset": 0}, headers=a.headers).json()
    second = client.get("/api/v1/customers", params={"limit": 1, "offset": 1}, headers=a.headers).json()
    assert first["total"] == second["total"] == 2 and first["items"][0]["id"] != second["items"][0]["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"inn": "7707083894"}, "inn"),
        ({"inn": "12345"}, "inn"),
        ({"kpp": "77360100"}, "kpp"),
        ({"email": "buh-at-romashka"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"bin_iin": "971240001315"}, "bin_iin"),
        ({"country": "DE"}, "country"),
        ({"legal_name": ""}, "legal_name"),
        ({"accounts": {"rarus_login": "ivanov"}}, "accounts.rarus_login"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_customer_is_a_422_and_nothing_is_stored(api, change, field):
    client, a, _, _ = api
    response = client.post("/api/v1/customers", json={**RU_CUSTOMER, **change}, headers=a.headers)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert count(client, a.headers) == 0


def test_kazakh_customer_checks(api):
    client, a, _, _ = api
    bad = client.post("/api/v1/customers", json={**KZ_CUSTOMER, "bin_iin": "971240001316"}, headers=a.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "bin_iin"
    russian_id = client.post("/api/v1/customers", json={**KZ_CUSTOMER, "inn": "7707083893"}, headers=a.headers)
    assert russian_id.status_code == 422 and russian_id.json()["errors"][0]["field"] == "inn"
    assert count(client, a.headers) == 0


def test_bad_patch_changes_nothing(api):
    client, a, _, _ = api
    created = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=a.headers).json()
    response = client.patch(f"/api/v1/customers/{created['id']}", json={"inn": "7707083894", "email": "x@y.ru"}, headers=a.headers)
    assert response.status_code == 422
    assert client.get(f"/api/v1/customers/{created['id']}", headers=a.headers).json() == created


def test_card_missing_per_provider(api):
    """FR-ONB-02, FK-ONB-02, MED-ONB-08: what still blocks a paid subscription on each provider."""
    client, a, _, _ = api
    bare = client.post("/api/v1/customers", json={"legal_name": "ivanov@mail.ru", "country": "RU"}, headers=a.headers).json()
    missing = bare["card_missing"]
    assert missing["fresh_ru"] == ["legal_name", "inn", "new_to_1c"]
    assert missing["medicine"] == ["legal_name", "inn", "kpp", "phone", "email"]
    assert missing["fresh_kz"][0] == "country"
    full = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=a.headers).json()["card_missing"]
    assert full["fresh_ru"] == [] and full["medicine"] == []
    not_asked = client.post("/api/v1/customers", json={**RU_CUSTOMER, "new_to_1c": None}, headers=a.headers).json()
    assert not_asked["card_missing"]["fresh_ru"] == ["new_to_1c"]
    answered_no = client.post("/api/v1/customers", json={**RU_CUSTOMER, "new_to_1c": False}, headers=a.headers).json()
    assert answered_no["card_missing"]["fresh_ru"] == []
    kz = client.post("/api/v1/customers", json=KZ_CUSTOMER, headers=a.headers).json()["card_missing"]
    assert kz["fresh_kz"] == [] and "country" in kz["fresh_ru"]


def test_audit_records_who_what_when_before_after(api):
    client, a, _, _ = api
    created = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=a.headers).json()
    client.patch(f"/api/v1/customers/{created['id']}", json={"phone": "+7 495 000-00-00"}, headers=a.headers)
    entries = client.get("/api/v1/audit", params={"resource": "customer"}, headers=a.headers).json()["items"]
    assert [e["action"] for e in entries] == ["create", "update"]
    update = entries[1]
    assert update["resource_id"] == created["id"] and update["actor"].startswith("key:")
    assert update["before"]["phone"] == "+79161234567" and update["after"]["phone"] == "+74950000000"
    assert entries[0]["before"] is None and entries[0]["after"]["inn"] == RU_CUSTOMER["inn"]
