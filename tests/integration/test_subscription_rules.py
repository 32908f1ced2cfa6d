"""RULES §3 through the subscriptions API: every refusal names its rule and nothing is queued."""
from __future__ import annotations

from datetime import date

import pytest

from .live import STANDING

RU = {"legal_name": "ООО Ромашка", "country": "RU", "inn": "7707083893", "kpp": "773601001", "phone": "+74950000000",
      "email": "buh@romashka.ru", "new_to_1c": True, "accounts": {"fresh_ru_subscriber": 1001, "medicine_subscriber": 2001}}
PAID = {"amount": "1000000", "paid_on": "2026-11-20"}


@pytest.fixture
def shop(api):
    client, a, b, url = api
    standing = {**STANDING, "fresh_ru": {"csk": True, "service_desk_since": "2026-01-01"}}
    assert client.patch("/api/v1/partner", json={"standing": standing}, headers=a.headers).status_code == 200
    customer = client.post("/api/v1/customers", json=RU, headers=a.headers).json()

    def post(**body):
        return client.post("/api/v1/subscriptions", json={"customer_id": customer["id"], "provider": "fresh_ru", **body},
                           headers=a.headers)

    return client, a, b, customer, post


def refused(response, rule: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["rule"] == rule, response.json()


def queued(client, headers) -> int:
    return client.get("/api/v1/operations", headers=headers).json()["total"]


def test_dry_run_previews_and_changes_nothing(shop):
    client, a, _, customer, post = shop
    preview = post(tariff="102", months=12, dry_run=True)
    assert preview.status_code == 200
    body = preview.json()
    assert body["dry_run"] is True and body["discount_percent"] == 65 and body["retail"] == "38652.00"
    assert body["invoice_due"] == "2026-12-15" and "FR-PRICE-02" in body["rules"]
    assert client.get("/api/v1/subscriptions", headers=a.headers).json()["total"] == 0 and queued(client, a.headers) == 0


def test_fam_sub_01_payment_first_and_in_full(shop):
    client, a, _, _, post = shop
    refused(post(tariff="102", months=12), "FAM-SUB-01")
    refused(post(tariff="102", months=12, payment={"amount": "3221", "paid_on": "2026-11-20"}), "FAM-SUB-01")
    assert queued(client, a.headers) == 0
    made = post(tariff="102", months=12, payment={"amount": "38652", "paid_on": "2026-11-20"})
    assert made.status_code == 201 and made.json()["status"] == "requested"
    assert queued(client, a.headers) == 1


def test_fam_onb_04_card_must_be_complete(shop):
    client, a, _, customer, post = shop
    client.patch(f"/api/v1/customers/{customer['id']}", json={"new_to_1c": None}, headers=a.headers)
    refused(post(tariff="102", months=12, payment=PAID), "FAM-ONB-04")


def test_fam_onb_02_a_trial_tariff_is_not_sold(shop):
    client, a, _, customer, _ = shop
    response = client.post("/api/v1/subscriptions", headers=a.headers, json={
        "customer_id": customer["id"], "provider": "medicine", "tariff": "1С:Медицина. Больница через Интернет ТЕСТОВЫЙ",
        "payment": PAID})
    refused(response, "FAM-ONB-02")


def test_fam_sub_03_and_fr_sub_04_no_dumping(shop):
    _, _, _, _, post = shop
    refused(post(tariff="102", months=12, customer_price="30000", payment=PAID), "FAM-SUB-03")
    refused(post(tariff="102", months=12, customer_price_includes_vat=True, payment=PAID), "FR-SUB-04")


def test_fam_sub_05_add_on_within_the_main_and_fam_sub_10_no_downgrade(shop):
    _, _, _, _, post = shop
    main = post(tariff="102", months=6, start="2026-11-22", payment=PAID).json()
    refused(post(kind="addon_bases", main_id=main["id"], start="2026-11-01", payment=PAID), "FAM-SUB-05")
    assert post(kind="addon_bases", main_id=main["id"], payment=PAID).json()["end"] == main["end"]
    refused(post(tariff="Базовый", months=12, start="2027-01-10", payment=PAID), "FAM-SUB-10")


def test_fam_sub_08_renewal_copies_with_a_new_period_and_fr_disc_04_tiers(shop):
    _, _, _, _, post = shop
    main = post(tariff="102", months=12, start="2026-11-22", payment=PAID).json()
    renewal = post(kind="renewal", payment=PAID).json()
    assert (renewal["tariff"], renewal["start"], renewal["months_charged"]) == ("ПРОФ", "2027-11-22", 12)
    assert (main["discount_percent"], renewal["discount_percent"], renewal["pricing_kind"]) == (65, 60, "first_renewal")
    assert post(kind="renewal", payment=PAID).json()["discount_percent"] == 50


def test_fam_sub_09_and_fr_sub_20_upgrades(shop):
    _, _, _, _, post = shop
    main = post(tariff="102", months=12, start="2026-11-22", payment=PAID).json()
    refused(post(kind="upgrade", main_id=main["id"], tariff="105", payment=PAID), "FAM-SUB-09")  # 105 upgrades Базовый
    refused(post(kind="upgrade", main_id=main["id"], tariff="Апгрейд ПРОФ → КОРП", payment=PAID), "FR-SUB-20")


def test_med_onb_01_and_med_onb_07(shop):
    client, a, _, customer, _ = shop

    def medicine(**body):
        return client.post("/api/v1/subscriptions", headers=a.headers, json={
            "customer_id": customer["id"], "provider": "medicine", "payment": PAID, **body})

    refused(medicine(tariff="1С:Медицина. Регион для интеграции с ЕГИСЗ"), "MED-ONB-07")
    client.patch("/api/v1/partner", json={"standing": {**STANDING, "medicine": {"competence_centre": False}}},
                 headers=a.headers)
    refused(medicine(tariff="1С:Медицина. Больница через Интернет"), "MED-ONB-01")


def test_no_account_yet_and_other_partners(shop):
    client, a, b, customer, post = shop
    kz = client.post("/api/v1/subscriptions", headers=a.headers, json={
        "customer_id": customer["id"], "provider": "fresh_kz", "payment": PAID})
    assert kz.status_code == 422 and kz.json()["errors"][0]["field"] == "customer_id"
    made = post(tariff="102", months=12, payment=PAID).json()
    assert client.get(f"/api/v1/subscriptions/{made['id']}", headers=b.headers).status_code == 404
    assert client.get("/api/v1/subscriptions", headers=b.headers).json()["total"] == 0
    other = client.post("/api/v1/subscriptions", headers=b.headers, json={
        "customer_id": customer["id"], "provider": "fresh_ru", "tariff": "102", "payment": PAID})
    assert other.status_code == 404


def test_rarus_orders_in_order(shop):
    client, a, _, customer, _ = shop
    client.patch(f"/api/v1/customers/{customer['id']}", json={"accounts": {"rarus_login": "1R10001U1"}}, headers=a.headers)

    def rarus(**body):
        return client.post("/api/v1/subscriptions", headers=a.headers,
                           json={"customer_id": customer["id"], "provider": "rarus", **body})

    seats = [{"users": 3, "configurations": ["bp"]}]
    refused(rarus(kind="change", seat_plan=seats), "RA-BILL-01")
    refused(rarus(kind="conversion", seat_plan=[{"users": 31, "configurations": ["bp"]}]), "RA-PRICE-05")
    preview = rarus(kind="conversion", seat_plan=seats, months=1, dry_run=True).json()
    assert preview["customer_price"] == "3690.00" and preview["partner_cost"] == "0.00"
    assert preview["start"] <= preview["end"] and "RA-BILL-01" in preview["rules"]
    assert rarus(kind="conversion", seat_plan=seats).status_code == 201
    refused(rarus(kind="conversion", seat_plan=seats), "RA-BILL-02")


def test_weekly_report_formats_and_bad_week(shop):
    client, a, _, _, post = shop
    post(tariff="102", months=12, payment=PAID)
    week = "-W".join(str(x) for x in date.today().isocalendar()[:2])
    assert client.get("/api/v1/reports/weekly", params={"week": "2026-48"}, headers=a.headers).status_code == 422
    assert client.get("/api/v1/reports/weekly", params={"format": "pdf"}, headers=a.headers).status_code == 422
    xlsx = client.get("/api/v1/reports/weekly", params={"week": week, "format": "xlsx"}, headers=a.headers)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_fam_sub_14_notice_schedule_and_renewals_due(shop):
    client, a, _, customer, post = shop
    main = post(tariff="102", months=1, start="2026-11-22", payment=PAID).json()  # ends 2026-12-21
    assert main["end"] == "2026-12-21"

    def due(day: str) -> list[int]:
        return [n["offset_days"] for n in client.get("/api/v1/reports/notices", params={"on": day}, headers=a.headers).json()]

    assert due("2026-12-14") == [-7] and due("2026-12-18") == [-3] and due("2026-12-21") == [0]
    assert due("2026-12-26") == [5] and due("2026-12-20") == []
    renewals = client.get("/api/v1/reports/renewals", params={"within_days": 30}, headers=a.headers).json()
    assert [r["subscription"] for r in renewals] == [main["id"]]
    preview = renewals[0]["preview"]
    assert preview["dry_run"] is True and preview["start"] == "2026-12-22" and preview["discount_percent"] == 60
    post(kind="renewal", payment=PAID)  # renewed: no more notices, nothing due
    assert due("2026-12-18") == []
    assert client.get("/api/v1/reports/renewals", params={"within_days": 30}, headers=a.headers).json() == []


def test_fam_sub_15_churn_needs_a_reason_and_its_moves_are_not_churn(shop):
    client, a, b, customer, post = shop
    post(tariff="102", months=12, start="2026-11-22", payment=PAID)  # live when December begins
    url = f"/api/v1/customers/{customer['id']}/departures"
    refused(client.post(url, json={"provider": "fresh_ru", "left_on": "2026-12-20"}, headers=a.headers), "FAM-SUB-15")
    refused(client.post(url, json={"provider": "fresh_ru", "left_on": "2026-12-20", "reason": "price"},
                        headers=a.headers), "FAM-SUB-15")
    moved = client.post(url, json={"provider": "fresh_ru", "left_on": "2026-12-18", "transition": "to_local_its"},
                        headers=a.headers)
    assert moved.status_code == 201 and moved.json()["kind"] == "transition"
    left = client.post(url, json={"provider": "fresh_ru", "left_on": "2026-12-20", "reason": "price",
                                  "comment": "нашли дешевле"}, headers=a.headers)
    assert left.status_code == 201 and left.json()["kind"] == "churn"
    lines = {line["provider"]: line for line in
             client.get("/api/v1/reports/churn", params={"month": "2026-12"}, headers=a.headers).json()}
    assert lines["fresh_ru"] == {"provider": "fresh_ru", "month": "2026-12", "customers_at_start": 1, "churned": 1,
                                 "transitions": 1, "churn_rate": "1.0000"}
    assert lines["rarus"]["churned"] == 0
    assert lines["rarus"]["customers_at_start"] == 0 and lines["rarus"]["churn_rate"] is None  # undefined, not "0"
    assert client.post(url, json={"provider": "fresh_ru", "left_on": "2026-12-20", "transition": "to_local_its"},
                       headers=b.headers).status_code == 404


def test_fr_sub_16_transfer_window_and_decisions(shop):
    client, a, b, customer, post = shop
    post(tariff="102", months=1, start="2026-11-22", payment=PAID)  # ends 2026-12-21: 29 days left on 2026-11-22

    def transfer(**body):
        return client.post("/api/v1/transfers", headers=a.headers, json={
            "customer_id": customer["id"], "provider": "fresh_ru", "other_partner": "ООО Соседи", **body})

    leaving = transfer(direction="outgoing")
    assert leaving.status_code == 201 and leaving.json()["status"] == "awaiting_decision"
    assert leaving.json()["rule"] == "FR-SUB-16"
    url = f"/api/v1/transfers/{leaving.json()['id']}/decision"
    refused(client.post(url, json={"approve": False}, headers=a.headers), "FR-SUB-16")  # a refusal needs a comment
    answered = client.post(url, json={"approve": False, "comment": "долг по услугам"}, headers=a.headers).json()
    assert answered["status"] == "refused" and answered["comment"] == "долг по услугам"
    assert client.post(url, json={"approve": True}, headers=a.headers).status_code == 409  # decided already
    later = transfer(direction="incoming", subscription_end="2027-06-30")  # an outgoing one counts from the hub's end
    refused(later, "FR-SUB-16")
    assert "set early" in later.json()["detail"]
    assert client.get(f"/api/v1/transfers/{leaving.json()['id']}", headers=b.headers).status_code == 404
    medicine = client.post("/api/v1/transfers", headers=a.headers, json={
        "customer_id": customer["id"], "provider": "medicine", "direction": "outgoing", "other_partner": "X",
        "subscription_end": "2026-12-01"})
    assert medicine.status_code == 422 and medicine.json()["errors"][0]["field"] == "provider"


def test_fk_sub_16_kazakh_window_is_14_days(shop):
    client, a, _, _, _ = shop
    kz = client.post("/api/v1/customers", json={"legal_name": "ТОО Береке", "country": "KZ", "bin_iin": "971240001315"},
                     headers=a.headers).json()

    def transfer(end: str):
        return client.post("/api/v1/transfers", headers=a.headers, json={
            "customer_id": kz["id"], "provider": "fresh_kz", "direction": "incoming", "other_partner": "ТОО Соседи",
            "subscription_end": end})

    refused(transfer("2026-12-10"), "FK-SUB-16")  # 18 days left
    made = transfer("2026-12-05")  # 13 days left
    assert made.status_code == 201 and made.json()["status"] == "requested" and made.json()["rule"] == "FK-SUB-16"


def test_fr_sub_17_its_transition_tariffs(shop):
    client, a, _, customer, post = shop

    def its(**facts):
        client.patch(f"/api/v1/customers/{customer['id']}", json={"its": facts}, headers=a.headers)

    refused(post(tariff="99", months=6, payment=PAID), "FR-SUB-17")  # no local ITS at all
    its(level="ТЕХНО", payment="prepaid", end_date="2027-03-31")
    refused(post(tariff="99", months=6, payment=PAID), "FR-SUB-17")  # 99 is for ITS ПРОФ
    refused(post(tariff="98п", months=6, payment=PAID), "FR-SUB-17")  # 98п is for postpaid ТЕХНО
    refused(post(tariff="98", months=3, payment=PAID), "FR-SUB-17")  # ends before the ITS contract does
    made = post(tariff="98", months=6, payment=PAID)
    assert made.status_code == 201 and made.json()["retail"] == "0.00"
    its(level="ПРОФ", end_date="2027-03-31", with_us=False, other_partner="ООО Другие")
    refused(post(tariff="99", months=6, start="2027-06-01", payment=PAID), "FR-SUB-17")  # another partner's customer


def test_fr_sub_19_register_base_first(shop):
    _, _, _, _, post = shop
    refused(post(tariff="242", months=12, payment=PAID), "FR-SUB-19")
    refused(post(tariff="254", months=12, payment=PAID), "FR-SUB-19")
    assert post(tariff="250", payment=PAID).status_code == 201
    assert post(tariff="102", months=12, payment=PAID).status_code == 201  # another application line: no downgrade
    assert post(tariff="242", months=12, payment=PAID).status_code == 201  # not a "downgrade" from ПРОФ either
    assert post(tariff="254", months=12, payment=PAID).status_code == 201


def test_fk_sub_19_kassir_base_first(shop):
    client, a, _, _, _ = shop
    kz = client.post("/api/v1/customers", headers=a.headers, json={
        "legal_name": "ТОО Береке", "country": "KZ", "bin_iin": "971240001315", "accounts": {"fresh_kz_subscriber": 5}}).json()

    def kassir(tariff: str, months: int = 6):
        return client.post("/api/v1/subscriptions", headers=a.headers, json={
            "customer_id": kz["id"], "provider": "fresh_kz", "tariff": tariff, "months": months, "payment": PAID})

    refused(kassir("1С:Кассир Старт"), "FK-SUB-19")
    refused(kassir("1С:Кассир Базовый", months=13), "FK-SUB-19")  # free base up to 12 months
    assert kassir("1С:Кассир Базовый", months=12).status_code == 201
    assert kassir("1С:Кассир Старт").status_code == 201
    refused(kassir("1С:Кассир Тестовый"), "FAM-ONB-02")  # the 15-day test tariff is not sold
