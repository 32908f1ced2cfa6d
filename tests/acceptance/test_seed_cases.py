"""Every worked example of ../shared/acceptance/seed_cases.json, through the engines and through HTTP."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import msgspec
import pytest

from pricing import (
    PartnerStanding,
    QuoteRequest,
    SubscriptionPriceRequest,
    calendar_month_invoice_period,
    months_charged,
    period_end,
    with_what_if,
)
from providers import certificate_issue_time, rarus_partner_code, reporting_registration_number
from tests.conftest import TODAY, shared_dir

from .cases import RESPONSE_FIELD, currency_of, price_request, rarus_quote, upgrade_request

PRICE_RULES = {"FR-PRICE-01", "FK-PRICE-01", "FR-DISC-01", "FR-DISC-02", "FR-DISC-04", "FR-DISC-05", "MED-DISC-01"}
HANDLED = PRICE_RULES | {"RA-PRICE-02", "FAM-SUB-09", "FAM-SUB-02", "RA-BILL-01", "MED-ONB-03", "RA-ONB-08", "FR-ONB-03"}


def _cases(rules: set[str]):
    data = json.loads((shared_dir() / "acceptance" / "seed_cases.json").read_text(encoding="utf-8"))["cases"]
    return [pytest.param(c, id=f"{c['rule']}:{c['id']}") for c in data if c["rule"] in rules]


def test_every_seed_case_has_a_check(seed_cases):
    unhandled = [c["id"] for c in seed_cases if c["rule"] not in HANDLED]
    assert not unhandled, f"seed cases with no test: {unhandled}"


def assert_price(expect: dict, result: dict) -> None:
    for key, wanted in expect.items():
        name, currency = currency_of(key)
        field = RESPONSE_FIELD[name]
        if currency:
            assert result["currency"] == currency
            assert Decimal(str(result[field])) == Decimal(wanted), field
        else:
            assert result[field] == wanted, field


# --- prices and discounts (FR-PRICE-01, FK-PRICE-01, FR-DISC-01…05, MED-DISC-01) -------------------------


@pytest.mark.parametrize("case", _cases(PRICE_RULES))
def test_price_case_engine(case, engines):
    request = msgspec.convert(price_request(case["given"]), SubscriptionPriceRequest)
    result = engines[request.provider].price(request, with_what_if(None, request.partner), TODAY.date())
    assert_price(case["expect"], msgspec.to_builtins(result))


@pytest.mark.parametrize("case", _cases(PRICE_RULES))
def test_price_case_http(case, client):
    response = client.post("/api/v1/prices/subscription", json=price_request(case["given"]))
    assert response.status_code == 200, response.text
    assert_price(case["expect"], response.json())


# --- Rarus seat plans (RA-PRICE-02) -------------------------------------------------------------------------


@pytest.mark.parametrize("case", _cases({"RA-PRICE-02"}))
def test_rarus_example_engine(case, engines):
    need = msgspec.convert(rarus_quote(case["given"]), QuoteRequest)
    offer = engines["rarus"].quote(need, PartnerStanding(), TODAY.date())
    assert offer.monthly_price == Decimal(case["expect"]["monthly_rub"])
    assert offer.currency == "RUB"
    assert offer.connections == case["expect"]["connections"]


@pytest.mark.parametrize("case", _cases({"RA-PRICE-02"}))
def test_rarus_example_http(case, client):
    response = client.post("/api/v1/quotes", json=rarus_quote(case["given"]))
    assert response.status_code == 200, response.text
    [offer] = response.json()["offers"]
    assert offer["provider"] == "rarus" and offer["eligible"]
    assert offer["monthly_price"] == case["expect"]["monthly_rub"]
    assert offer["connections"] == case["expect"]["connections"]


# --- periods (FAM-SUB-09, FAM-SUB-02, RA-BILL-01) ------------------------------------------------------------


@pytest.mark.parametrize("case", _cases({"FAM-SUB-09"}))
def test_upgrade_months_charged(case, client):
    given = case["given"]
    start, end = date.fromisoformat(given["upgrade_start"]), date.fromisoformat(given["main"]["end"])
    assert months_charged(start, end) == case["expect"]["months_charged"]
    response = client.post("/api/v1/prices/subscription", json=upgrade_request(given))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["months_charged"] == case["expect"]["months_charged"]
    assert body["end"] >= given["main"]["end"], "FAM-SUB-09: the upgrade covers the main subscription's end"


@pytest.mark.parametrize("case", _cases({"FAM-SUB-02"}))
def test_period_end(case, client):
    given = case["given"]
    assert period_end(date.fromisoformat(given["start"]), given["months"]).isoformat() == case["expect"]["end"]
    body = {"provider": "fresh_kz", "tariff": "ITSaaS РАСШИРЕННЫЙ", "months": given["months"],
            "start": given["start"], "created_on": given["start"]}
    response = client.post("/api/v1/prices/subscription", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["end"] == case["expect"]["end"]


@pytest.mark.parametrize("case", _cases({"RA-BILL-01"}))
def test_rarus_invoice_period(case, client):
    given = case["given"]
    start, end = calendar_month_invoice_period(date.fromisoformat(given["requested_on"]), given["months"])
    assert (start.isoformat(), end.isoformat()) == (case["expect"]["period_start"], case["expect"]["period_end"])
    response = client.post("/api/v1/quotes", json=rarus_quote(given, created_on=given["requested_on"]))
    [offer] = response.json()["offers"]
    assert (offer["start"], offer["end"]) == (case["expect"]["period_start"], case["expect"]["period_end"])


# --- identifiers and the certificate batch (MED-ONB-03, RA-ONB-08, FR-ONB-03) --------------------------------


@pytest.mark.parametrize("case", _cases({"MED-ONB-03"}))
def test_certificate_batch(case):
    issued = certificate_issue_time(datetime.fromisoformat(case["given"]["requested_at"]))
    assert issued == datetime.fromisoformat(case["expect"]["issued_at"])


@pytest.mark.parametrize("case", _cases({"RA-ONB-08"}))
def test_rarus_partner_code(case):
    assert rarus_partner_code(case["given"]["contract_code"]) == case["expect"]["cabinet_code"]


@pytest.mark.parametrize("case", _cases({"FR-ONB-03"}))
def test_reporting_registration_number(case):
    assert reporting_registration_number(case["given"]["subscriber_number"]) == case["expect"]["registration_number"]
