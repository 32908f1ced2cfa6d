"""The 1С-Рарус cabinet over HTTP: trials, credentials, conversion, changes, agent reports."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook

from pricing import MOSCOW

from .conftest import Cabinet

TRIAL = {"partner": {"code": "0320", "name": "ООО Партнер"},
         "customer": {"name": "ООО Ромашка", "inn": "7707083893", "email": "buh@romashka.ru", "phone": "+74950000000"},
         "products": ["bp", "zup"], "users": 2}


def trial_client(cab: Cabinet, body=None) -> str:
    request = cab.http.post("/api/v1/trial-requests", json=body or TRIAL).json()["request"]
    cab.advance(20 * 60)
    done = cab.http.get(f"/api/v1/trial-requests/{request['id']}").json()["request"]
    return done["login"]


def test_ra_onb_03_credentials_arrive_after_the_processing_delay(rarus: Cabinet):
    created = rarus.http.post("/api/v1/trial-requests", json=TRIAL)
    assert created.status_code == 201
    request = created.json()["request"]
    assert request["status"] == "processing" and request["login"] is None
    rarus.advance(10 * 60)
    assert rarus.http.get(f"/api/v1/trial-requests/{request['id']}").json()["request"]["status"] == "processing"
    rarus.advance(6 * 60)
    done = rarus.http.get(f"/api/v1/trial-requests/{request['id']}").json()["request"]
    assert done["status"] == "done" and re.fullmatch(r"1R\d{5}U1", done["login"])  # RA-ONB-04
    client = rarus.http.get(f"/api/v1/clients/{done['login']}").json()["client"]
    assert client["status"] == "trial" and client["attributed"] is True  # RA-ONB-06


def test_trial_request_refusals(rarus: Cabinet):
    too_many = rarus.http.post("/api/v1/trial-requests", json={**TRIAL, "users": 6})
    assert too_many.status_code == 422 and too_many.json()["error"]["rule"] == "RA-ONB-01"
    incomplete = rarus.http.post("/api/v1/trial-requests", json={**TRIAL, "customer": {"name": "X"}})
    assert incomplete.json()["error"]["rule"] == "RA-ONB-02" and "customer.inn" in incomplete.json()["error"]["message"]
    three_digit = rarus.http.post("/api/v1/trial-requests", json=TRIAL, headers={"X-Partner-Code": "320"})
    assert three_digit.status_code == 403 and three_digit.json()["error"]["rule"] == "RA-ONB-08"
    assert rarus.http.post("/api/v1/trial-requests", json=TRIAL, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert rarus.http.get("/api/v1/clients").json()["clients"] == []


def test_ra_onb_01_11_trial_ends_blocked_after_14_days(rarus: Cabinet):
    login = trial_client(rarus)
    rarus.advance(13 * 86400)
    assert rarus.http.get(f"/api/v1/clients/{login}").json()["client"]["status"] == "trial"
    rarus.advance(2 * 86400)
    assert rarus.http.get(f"/api/v1/clients/{login}").json()["client"]["status"] == "blocked"


def test_ra_bill_01_conversion_in_the_second_half_runs_to_the_next_month_end(rarus: Cabinet):
    rarus.set_clock(datetime(2026, 10, 20, 12, 0, tzinfo=MOSCOW))
    login = trial_client(rarus)
    seat_plan = [{"users": 2, "configurations": ["zup", "bp"], "mode": "alternate"}, {"users": 1, "configurations": ["bp"]}]
    invoice = rarus.http.post(f"/api/v1/clients/{login}/conversion", json={"seat_plan": seat_plan, "months": 1}).json()["invoice"]
    assert (invoice["period_start"], invoice["period_end"]) == ("2026-10-20", "2026-11-30")
    assert invoice["months"]["2026-11"] == "3890.00"  # RA-PRICE-02 example 1 for the whole month
    assert Decimal(invoice["amount"]) > Decimal("3890.00")
    rarus.http.post(f"/_control/invoices/{invoice['id']}/pay")
    client = rarus.http.get(f"/api/v1/clients/{login}").json()["client"]
    assert client["status"] == "paying" and client["paid_through"] == "2026-11-30"


def test_ra_bill_02_changes_up_after_payment_down_as_advance(rarus: Cabinet):
    rarus.set_clock(datetime(2026, 10, 5, 12, 0, tzinfo=MOSCOW))
    login = trial_client(rarus)
    free = rarus.http.post(f"/api/v1/clients/{login}/changes", json={"seat_plan": [{"users": 1, "configurations": ["bp"]}]})
    assert free.json()["change"]["applied"] is True  # a trial changes free
    invoice = rarus.http.post(f"/api/v1/clients/{login}/conversion", json={"months": 3}).json()["invoice"]
    rarus.http.post(f"/_control/invoices/{invoice['id']}/pay")
    up = rarus.http.post(f"/api/v1/clients/{login}/changes", json={"seat_plan": [{"users": 3, "configurations": ["bp"]}]}).json()
    assert up["change"]["applied"] is False and Decimal(up["change"]["amount"]) > 0
    assert rarus.http.get(f"/api/v1/clients/{login}").json()["client"]["monthly"] == "1230.00"
    rarus.http.post(f"/_control/invoices/{up['change']['surcharge_invoice']}/pay")
    assert rarus.http.get(f"/api/v1/clients/{login}").json()["client"]["monthly"] == "3690.00"
    down = rarus.http.post(f"/api/v1/clients/{login}/changes", json={"seat_plan": [{"users": 2, "configurations": ["bp"]}]}).json()
    assert down["change"]["applied"] is True and Decimal(down["change"]["advance"]) > 0


def test_ra_price_05_beyond_the_limits(rarus: Cabinet):
    login = trial_client(rarus)
    big = rarus.http.post(f"/api/v1/clients/{login}/conversion", json={"seat_plan": [{"users": 31, "configurations": ["bp"]}]})
    assert big.status_code == 422 and big.json()["error"]["rule"] == "RA-PRICE-05"


def report(cab: Cabinet, name: str):
    return cab.http.get(f"/api/v1/agent-reports/{name}")


def test_ra_comm_01_02_03_quarterly_agent_report(rarus: Cabinet):
    rarus.set_clock(datetime(2026, 7, 1, 12, 0, tzinfo=MOSCOW))
    assert report(rarus, "2026-Q3.csv").json()["error"]["rule"] == "RA-COMM-03"  # nobody pays yet
    ours = trial_client(rarus)
    theirs_request = rarus.http.post("/_control/site-trial", json=TRIAL).json()["request"]  # not attributed (RA-ONB-06)
    rarus.advance(20 * 60)
    theirs = rarus.http.get(f"/api/v1/trial-requests/{theirs_request['id']}").json()["request"]["login"]
    for login in (ours, theirs):
        invoice = rarus.http.post(f"/api/v1/clients/{login}/conversion", json={"months": 2}).json()["invoice"]
        rarus.http.post(f"/_control/invoices/{invoice['id']}/pay")
    rows = list(csv.DictReader(io.StringIO(report(rarus, "2026-Q3.csv").content.decode("utf-8-sig")), delimiter=";"))
    assert {r["login"] for r in rows} == {ours}
    assert [r["month"] for r in rows] == ["2026-07", "2026-08"]
    assert all(r["report_date"] == "2026-07-01" for r in rows)  # RA-COMM-02: dated the quarter's first day
    assert all(Decimal(r["fee"]) == (Decimal(r["amount_paid"]) * Decimal("0.20")).quantize(Decimal("0.01")) for r in rows)
    sheet = load_workbook(io.BytesIO(report(rarus, "2026-Q3.xlsx").content)).active
    assert sheet.max_row == 3
    rarus.http.post("/_control/partner", json={"profile_code": "320"})
    assert report(rarus, "2026-Q3.csv").json()["error"]["rule"] == "RA-COMM-03"


def test_a_paying_client_is_not_converted_twice(rarus: Cabinet):
    login = trial_client(rarus)
    invoice = rarus.http.post(f"/api/v1/clients/{login}/conversion", json={"months": 1}).json()["invoice"]
    rarus.http.post(f"/_control/invoices/{invoice['id']}/pay")
    again = rarus.http.post(f"/api/v1/clients/{login}/conversion", json={"months": 1})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_paying"
