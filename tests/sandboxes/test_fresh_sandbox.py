"""The Fresh-family sandbox over HTTP: onboarding, the rules it enforces, statements, its clock."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from .conftest import RU_CARD, START, ServiceManager


def test_fam_onb_01_invitation_activates_after_a_delay_and_creates_the_subscriber(fresh_ru: ServiceManager):
    sent = fresh_ru.ok("invitation/send", email="Buh@Romashka.ru")["invitation"]
    assert sent["status"] == "sent" and sent["subscriber"] is None and sent["activated_at"] is None
    fresh_ru.advance(30)
    assert fresh_ru.ok("invitation/info", id=sent["id"])["invitation"]["subscriber"] is None
    fresh_ru.advance(40)  # past the 60-second activation delay
    activated = fresh_ru.ok("invitation/info", id=sent["id"])["invitation"]
    assert activated["status"] == "activated" and activated["subscriber"] and activated["activated_at"]
    customer = fresh_ru.ok("account/customers/info", subscriber=activated["subscriber"])["customer"]
    trial = date.fromisoformat(customer["trial_end"]) - date.fromisoformat(customer["trial_start"])
    assert trial.days + 1 == 30  # FR-ONB-01
    assert fresh_ru.ok("invitation/list", email="buh@romashka.ru")["invitations"][0]["id"] == sent["id"]


def test_fam_onb_02_paid_tariff_is_never_the_initial_one(fresh_ru):
    refusal = fresh_ru.refused("invitation/send", email="x@y.ru", tariff="102")
    assert refusal["rule"] == "FAM-ONB-02" and refusal["response"] == 10422
    assert fresh_ru.ok("invitation/list")["invitations"] == []


def test_fam_onb_04_no_paid_subscription_before_the_card(fresh_ru):
    sent = fresh_ru.ok("invitation/send", email="x@y.ru")["invitation"]
    fresh_ru.http.post(f"/_control/invitations/{sent['id']}/activate")
    number = fresh_ru.ok("invitation/info", id=sent["id"])["invitation"]["subscriber"]
    refusal = fresh_ru.refused("account/customer_subscriptions/create", subscriber=number, tariff="102", months=12)
    assert refusal["rule"] == "FAM-ONB-04" and "new_to_1c" in refusal["message"]
    card = fresh_ru.ok("account/customers/attached_info", subscriber=number)
    assert card["missing"] == ["legal_name", "inn", "new_to_1c"]


def test_paid_lifecycle_main_addon_upgrade_renewal(fresh_ru):
    number = fresh_ru.onboard("a@b.ru", RU_CARD)
    basic = fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="Базовый", months=12,
                        start="2026-11-16")["subscription"]
    assert (basic["start"], basic["end"]) == ("2026-11-16", "2027-11-15")  # FAM-SUB-02
    addon = fresh_ru.ok("account/customer_subscriptions/create_enhanced", main=basic["number"], kind="bases",
                        quantity=2)["subscription"]
    assert addon["end"] == basic["end"] and addon["quantity"] == 2  # FAM-SUB-05
    upgrade = fresh_ru.ok("account/customer_subscriptions/create_upgrade", main=basic["number"], tariff="105",
                          start="2026-12-16")["subscription"]
    assert upgrade["months_charged"] == 11 and upgrade["end"] >= basic["end"]  # FAM-SUB-09
    renewal = fresh_ru.ok("account/customer_subscriptions/renew", subscription=basic["number"])["subscription"]
    assert renewal["start"] == "2027-11-16" and renewal["tariff"] == "Базовый"  # FAM-SUB-08
    listed = fresh_ru.ok("account/customer_subscriptions/list", subscriber=number)["subscriptions"]
    assert len(listed) == 4
    assert {"application": "bp"} in fresh_ru.ok("tenant/list", subscriber=number)["tenants"]


def test_discounts_follow_the_partner_standing(fresh_ru):
    number = fresh_ru.onboard("a@b.ru", RU_CARD)
    fresh_ru.http.post("/_control/partner", json={"fresh_ru": {"csk": True, "service_desk_since": "2026-01-01"}})
    first = fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="102", months=12)["subscription"]
    assert first["discount_percent"] == 65  # FR-DISC-04, new customer
    second = fresh_ru.ok("account/customer_subscriptions/renew", subscription=first["number"])["subscription"]
    assert second["discount_percent"] == 60


def test_refusals_name_their_rules(fresh_ru):
    number = fresh_ru.onboard("a@b.ru", RU_CARD)
    main = fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="102", months=6,
                       start="2026-11-16")["subscription"]
    cases = [
        ("account/customer_subscriptions/create_enhanced", {"main": main["number"], "kind": "sessions",
                                                            "start": "2026-11-01"}, "FAM-SUB-05"),
        ("account/customer_subscriptions/create", {"subscriber": number, "tariff": "Базовый", "months": 1,
                                                   "start": "2026-12-01"}, "FAM-SUB-10"),
        ("account/customer_subscriptions/create", {"subscriber": number, "tariff": "102", "months": 12,
                                                   "start": "2027-05-16", "customer_price": "30000"}, "FAM-SUB-03"),
        ("account/customer_subscriptions/create_upgrade", {"main": main["number"], "tariff": "105"}, "FAM-SUB-09"),
        ("account/customer_subscriptions/create", {"subscriber": number, "tariff": "КОРП", "months": 12,
                                                   "start": "2027-05-16"}, "FR-SUB-20"),
    ]
    for method, params, rule in cases:
        assert fresh_ru.refused(method, **params)["rule"] == rule, (method, params)
    assert fresh_ru.refused("account/customers/info", subscriber=99999)["response"] == 10404


def test_fam_sub_06_self_extension_once_and_fam_sub_07_promised_payment(fresh_ru):
    number = fresh_ru.onboard("a@b.ru", RU_CARD)
    first = fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="102", months=1,
                        start="2026-11-16")["subscription"]
    extended = fresh_ru.ok("account/customer_subscriptions/prolong", subscription=first["number"])["subscription"]
    assert extended["extension"] == "self_extension"
    assert fresh_ru.refused("account/customer_subscriptions/prolong", subscription=first["number"])["rule"] == "FAM-SUB-06"
    second = fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="102", months=1,
                         start="2026-12-16")["subscription"]
    fresh_ru.advance(70 * 86400)  # the second ended on 15 Jan; it is now late January
    promised = fresh_ru.ok("account/customer_subscriptions/prolong", subscription=second["number"])["subscription"]
    assert promised["extension"] == "promised_payment"
    third = fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="102", months=1,
                        start="2027-02-01")["subscription"]
    assert third["end"] == "2027-02-21"  # 28 Feb less the 7 promised days


def test_fr_sub_12_correction_window(fresh_ru):
    number = fresh_ru.onboard("a@b.ru", RU_CARD)
    created = fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="102", months=12)["subscription"]
    fixed = fresh_ru.ok("account/customer_subscriptions/update", subscription=created["number"], months=6)["subscription"]
    assert fixed["months_charged"] == 6
    fresh_ru.advance(11 * 60)
    refusal = fresh_ru.refused("account/customer_subscriptions/update", subscription=created["number"], months=3)
    assert refusal["rule"] == "FR-SUB-12" and "info@1cfresh.com" in refusal["message"]


def test_fk_sub_12_kazakh_corrections_go_by_request(fresh_kz):
    number = fresh_kz.onboard("a@b.kz", {"legal_name": "ТОО Береке", "bin_iin": "971240001315"})
    created = fresh_kz.ok("account/customer_subscriptions/create", subscriber=number, tariff="ITSaaS РАСШИРЕННЫЙ",
                          months=12)["subscription"]
    assert created["retail"] == "110000.00" and created["amount"] == "88000.00"  # FK-PRICE-01, FK-DISC-01 (20%)
    refusal = fresh_kz.refused("account/customer_subscriptions/update", subscription=created["number"], months=1)
    assert refusal["rule"] == "FK-SUB-12" and "info@1cfresh.kz" in refusal["message"]


def test_fk_onb_02_kazakh_card_needs_bin_iin(fresh_kz):
    number = fresh_kz.onboard("a@b.kz", {"legal_name": "ТОО Береке"})
    refusal = fresh_kz.refused("account/customer_subscriptions/create", subscriber=number, tariff="ITSaaS РАСШИРЕННЫЙ", months=1)
    assert refusal["rule"] == "FAM-ONB-04" and "bin_iin" in refusal["message"]


def test_trial_expires_with_the_test_clock(fresh_ru):
    number = fresh_ru.onboard("a@b.ru", RU_CARD)
    assert fresh_ru.ok("tenant/list", subscriber=number)["tenants"]
    fresh_ru.advance(31 * 86400)
    assert fresh_ru.ok("tenant/list", subscriber=number)["tenants"] == []


def statement_rows(sm: ServiceManager, month: str) -> list[dict[str, str]]:
    response = sm.http.get(f"/a/adm/hs/ext_api/statements/{month}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_fr_price_02_statements_by_invoice_month(fresh_ru):
    number = fresh_ru.onboard("a@b.ru", RU_CARD)
    regular = fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="102", months=12)["subscription"]
    monthly = fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="151", months=12,
                          start="2027-11-16")["subscription"]
    assert [r["subscription"] for r in statement_rows(fresh_ru, "2026-12")] == [str(regular["number"])]  # next month
    assert statement_rows(fresh_ru, "2026-11") == []
    november_27 = statement_rows(fresh_ru, "2027-11")
    assert [r["subscription"] for r in november_27] == [str(monthly["number"])]  # помесячно: from the start month
    assert november_27[0]["amount"] == monthly["partner_monthly"]
    assert len(statement_rows(fresh_ru, "2028-10")) == 1 and statement_rows(fresh_ru, "2028-11") == []
    xlsx = fresh_ru.http.get("/a/adm/hs/ext_api/statements/2026-12.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:2] == ["subscription", "subscriber"] and sheet.max_row == 2


def test_statement_defects(fresh_ru):
    number = fresh_ru.onboard("a@b.ru", RU_CARD)
    for months in (1, 3, 6):
        fresh_ru.ok("account/customer_subscriptions/create", subscriber=number, tariff="102", months=months,
                    start=(START.date() + timedelta(days=200 * months)).isoformat())
    clean = statement_rows(fresh_ru, "2026-12")
    assert len(clean) == 3
    fresh_ru.http.post("/_control/statement-defects", json={"missing": 1, "duplicate": 1, "wrong_discount": 1})
    broken = statement_rows(fresh_ru, "2026-12")
    assert [r["subscription"] for r in broken] == [clean[1]["subscription"], clean[2]["subscription"], clean[1]["subscription"]]
    assert int(broken[0]["discount_percent"]) == int(clean[1]["discount_percent"]) + 5


def test_wire_errors(fresh_ru):
    assert fresh_ru.http.post("/a/adm/hs/ext_api/execute", json={}, auth=("partner", "wrong")).status_code == 401
    other = ServiceManager(fresh_ru.http, account=1)
    assert other.refused("invitation/list")["response"] == 10403
    assert fresh_ru.refused("no/such_method")["response"] == 10400
    for path in ("/a/adm/hs/ext_api/execute/usr/invitation/list", "/a/adm/hs/ext_api/execute/invitation/list"):
        by_path = fresh_ru.http.post(path, json={"general": {"type": "usr", "version": 1}, "auth": {"account": 48}})
        assert by_path.json()["general"]["error"] is False, path


def test_fam_onb_01_invitation_needs_an_email_and_only_pending_ones_block(fresh_ru):
    assert fresh_ru.refused("invitation/send")["rule"] == "FAM-ONB-01"
    sent = fresh_ru.ok("invitation/send", email="a@b.ru")["invitation"]
    assert fresh_ru.ok("invitation/block", id=sent["id"])["invitation"]["status"] == "blocked"
    assert fresh_ru.refused("invitation/block", id=sent["id"])["rule"] == "FAM-ONB-01"
    fresh_ru.advance(3600)
    assert fresh_ru.ok("invitation/info", id=sent["id"])["invitation"]["subscriber"] is None  # a blocked one never activates


def test_fk_sub_17_its_tariff_at_most_eleven_months(fresh_kz):
    number = fresh_kz.onboard("a@b.kz", {"legal_name": "ТОО Береке", "bin_iin": "971240001315"})
    refusal = fresh_kz.refused("account/customer_subscriptions/create", subscriber=number,
                               tariff="ITSaaS РАСШИРЕННЫЙ для ИТС Каз.ПРОФ", months=12)
    assert refusal["rule"] == "FK-SUB-17"
