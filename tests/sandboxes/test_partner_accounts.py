"""Issue 9 §0: several partner accounts on one sandbox, each seeing and changing only its own objects."""
from __future__ import annotations

import httpx

from .conftest import EXECUTE, RARUS_HEADERS, RU_CARD, Cabinet, ServiceManager
from .test_rarus_sandbox import TRIAL

BETA = {"account": 49, "login": "beta", "password": "beta-secret"}


def beta_of(fresh_ru: ServiceManager) -> ServiceManager:
    assert fresh_ru.http.post("/_control/partners", json=BETA).status_code == 201
    return ServiceManager(httpx.Client(base_url=str(fresh_ru.http.base_url), auth=("beta", "beta-secret"), timeout=10), 49)


def test_a_fresh_account_sees_and_changes_only_its_own(fresh_ru: ServiceManager):
    beta = beta_of(fresh_ru)
    number = fresh_ru.onboard("buh@romashka.ru", RU_CARD, inn=RU_CARD["inn"])
    invitation = fresh_ru.ok("account/customers/info", subscriber=number)["customer"]["invitation"]
    assert fresh_ru.ok("invitation/info", id=invitation)["invitation"]["inn"] == RU_CARD["inn"]

    assert beta.ok("invitation/list", email="buh@romashka.ru")["invitations"] == []
    assert beta.ok("account/customers/list")["customers"] == []
    assert beta.refused("invitation/info", id=invitation)["response"] == 10404
    assert beta.refused("account/customers/attached_info", subscriber=number)["response"] == 10404
    assert beta.refused("account/customers/update_attached_info", subscriber=number,
                        card={"legal_name": "ООО Лютик"})["response"] == 10404
    assert beta.refused("account/customer_subscriptions/create", subscriber=number, tariff="102",
                        months=12)["response"] == 10404
    refused = beta.refused("invitation/send", email="buh@romashka.ru")
    assert refused["response"] == 10409 and "another partner" in refused["message"]
    assert fresh_ru.ok("account/customers/attached_info", subscriber=number)["card"]["legal_name"] == "ООО Ромашка"

    # its own customers are its own; the default partner does not see them
    own = beta.onboard("director@lyutik.ru", {**RU_CARD, "legal_name": "ООО Лютик", "inn": "7736050003"})
    assert fresh_ru.refused("account/customers/info", subscriber=own)["response"] == 10404
    assert [c["number"] for c in beta.ok("account/customers/list")["customers"]] == [own]
    beta.http.close()


def test_a_fresh_login_speaks_only_for_its_own_account(fresh_ru: ServiceManager):
    beta_of(fresh_ru).http.close()
    with httpx.Client(base_url=str(fresh_ru.http.base_url), timeout=10) as http:
        assert http.post(EXECUTE, json={}, auth=("beta", "sandbox")).status_code == 401
    with httpx.Client(base_url=str(fresh_ru.http.base_url), auth=("beta", "beta-secret"), timeout=10) as http:
        assert ServiceManager(http, 48).refused("invitation/list")["response"] == 10403  # beta's login, alpha's number
    listed = fresh_ru.http.get("/_control/partners").json()["partners"]
    assert {p["login"] for p in listed} == {"partner", "beta"} and "beta-secret" not in str(listed)


def test_a_rarus_cabinet_sees_only_its_own(rarus: Cabinet):
    added = rarus.http.post("/_control/partners", json={"code": "0555", "token": "beta-token"})
    assert added.status_code == 201 and "beta-token" not in added.text
    beta = {"Authorization": "Bearer beta-token", "X-Partner-Code": "0555"}
    request = rarus.http.post("/api/v1/trial-requests", json=TRIAL).json()["request"]
    rarus.advance(20 * 60)
    login = rarus.http.get(f"/api/v1/trial-requests/{request['id']}").json()["request"]["login"]

    assert rarus.http.get(f"/api/v1/trial-requests/{request['id']}", headers=beta).status_code == 404
    assert rarus.http.get("/api/v1/trial-requests", params={"email": "buh@romashka.ru"}, headers=beta).json() == \
        {"requests": []}
    assert rarus.http.get(f"/api/v1/clients/{login}", headers=beta).status_code == 404
    assert rarus.http.post(f"/api/v1/clients/{login}/conversion", json={"months": 1}, headers=beta).status_code == 404
    assert rarus.http.get("/api/v1/clients", headers=beta).json() == {"clients": []}
    taken = rarus.http.post("/api/v1/trial-requests", headers=beta,
                            json={**TRIAL, "partner": {"code": "0555", "name": "ООО Бета"}})
    assert taken.status_code == 409 and taken.json()["error"]["rule"] == "RA-ONB-06"
    wrong_code = rarus.http.get("/api/v1/clients", headers={**beta, "X-Partner-Code": RARUS_HEADERS["X-Partner-Code"]})
    assert wrong_code.status_code == 403
