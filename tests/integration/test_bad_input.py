"""Bad input of every class, on every endpoint that takes a body, on SQLite and PostgreSQL: a 4xx that
names the field (or says what is malformed), never a 500, and nothing changes in the database.

Classes (issue 9 §1): decimals (NaN, sNaN, Infinity, huge, floats, too many places, out of range),
string lengths, NUL bytes, control characters in one-line names, invalid UTF-8, deep nesting,
integers beyond 2^63 in query and path, wrong types (strict decoding), non-ASCII digits in
ИНН/БИН/КПП/phone, date edges, time zones.
"""
from __future__ import annotations

import asyncio
import copy
import re

import pytest
from litestar.testing import TestClient
from sqlalchemy import inspect, text

from hub.core.db import Database

from ..conftest import app_for, make_tenant

from .helpers import RU_CUSTOMER

SUB = "00000000-0000-0000-0000-000000000000"  # bodies are checked before any lookup

PAYMENT = {"amount": "38652.00", "paid_on": "2026-11-20", "document": "п/п 1"}
ENDPOINTS: dict[str, tuple[str, str, dict]] = {
    "quote": ("POST", "/api/v1/quotes", {"region": "ru", "months": 12, "seat_plan": [{"users": 1, "configurations": ["bp"]}]}),
    "price": ("POST", "/api/v1/prices/subscription", {"provider": "fresh_ru", "tariff": "151", "months": 12}),
    "customer": ("POST", "/api/v1/customers", {**RU_CUSTOMER, "its": {"level": "ПРОФ"}}),
    "customer_patch": ("PATCH", "/api/v1/customers/{customer}", {"legal_name": "ООО Ромашка-2"}),
    "departure": ("POST", "/api/v1/customers/{customer}/departures",
                  {"provider": "fresh_ru", "left_on": "2026-11-20", "reason": "price", "comment": "дорого"}),
    "partner": ("PATCH", "/api/v1/partner", {"name": "ООО Альфа", "standing": {"rarus": {"agent_fee_percent": "20"}}}),
    "enrollment": ("POST", "/api/v1/customers/{customer}/enrollments",
                   {"provider": "fresh_ru", "users": [{"name": "Иванов", "email": "i@romashka.ru"}]}),
    "inbound": ("POST", "/api/v1/inbound/mail", {"subject": "Сертификаты выпущены", "in_reply_to": "<x@y>", "body": ""}),
    "subscription": ("POST", "/api/v1/subscriptions",
                     {"customer_id": "{customer}", "provider": "fresh_ru", "tariff": "102", "months": 12,
                      "start": "2026-11-22", "payment": PAYMENT, "dry_run": True}),
    "correction": ("POST", f"/api/v1/subscriptions/{SUB}/corrections", {"reason": "entry_error", "comment": "", "months": 6}),
    "transfer": ("POST", "/api/v1/transfers",
                 {"customer_id": "{customer}", "provider": "fresh_ru", "direction": "incoming", "other_partner": "ООО Бета",
                  "subscription_end": "2026-12-10"}),
    "decision": ("POST", f"/api/v1/transfers/{SUB}/decision", {"approve": False, "comment": "нет"}),
}


def _set(body: dict, path: str, value) -> dict:
    """A copy of ``body`` with the dotted ``path`` set to ``value`` (list items as numbers)."""
    out = copy.deepcopy(body)
    node, parts = out, path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    node[int(parts[-1]) if isinstance(node, list) else parts[-1]] = value
    return out


# (endpoint, field path, value, the field the answer must name)
DECIMALS = [(endpoint, path) for endpoint, path in [
    ("subscription", "payment.amount"), ("subscription", "customer_price"),
    ("partner", "standing.rarus.agent_fee_percent"), ("quote", "partner.rarus.agent_fee_percent"),
]]
BAD_DECIMALS = ["NaN", "sNaN", "Infinity", "-Infinity", "1e400", 10 ** 30, 38652.5, "1.001", "-5", "", "12,50"]
STRINGS = [  # (endpoint, path, the documented maximum)
    ("customer", "legal_name", 500), ("customer", "email", 320), ("customer", "inn", 20), ("customer", "phone", 32),
    ("customer_patch", "legal_name", 500), ("customer", "its.other_partner", 300),
    ("departure", "comment", 2000), ("partner", "name", 300), ("partner", "standing.fresh_ru.partner_code", 20),
    ("enrollment", "users.0.name", 300), ("enrollment", "timezone", 64), ("enrollment", "tariff", 200),
    ("inbound", "subject", 998), ("inbound", "in_reply_to", 998),
    ("subscription", "payment.document", 200), ("subscription", "tariff", 200), ("subscription", "customer_id", 36),
    ("correction", "comment", 2000), ("transfer", "other_partner", 300), ("decision", "comment", 2000),
    ("quote", "seat_plan.0.configurations.0", 50), ("price", "tariff", 200),
]
ONE_LINE = [("customer", "legal_name"), ("enrollment", "users.0.name"), ("partner", "name"),
            ("transfer", "other_partner"), ("subscription", "payment.document"), ("inbound", "subject")]
TYPES = [("subscription", "quantity", 10 ** 30), ("customer", "accounts.fresh_ru_subscriber", -10 ** 25),
         ("customer", "new_to_1c", "yes"), ("quote", "months", "12"), ("customer", "accounts.fresh_ru_subscriber", "48"),
         ("subscription", "months", "12"), ("subscription", "dry_run", "true"), ("enrollment", "users", "Иванов"),
         ("decision", "approve", 1), ("quote", "seat_plan.0.users", 1.0)]
ARABIC, FULL_WIDTH = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"), str.maketrans("0123456789", "０１２３４５６７８９")
DIGITS = [("customer", "inn", "7707083893"), ("customer", "kpp", "773601001"), ("customer", "phone", "+74950000000"),
          ("customer_patch", "inn", "7707083893")]
DATES = [("subscription", "start", "0001-01-01"), ("subscription", "start", "9999-12-31"),
         ("subscription", "payment.paid_on", "9999-12-31"), ("price", "start", "9999-12-31"),
         ("price", "created_on", "0001-01-01"), ("quote", "created_on", "9999-12-31"), ("departure", "left_on", "0001-01-01"),
         ("customer", "its.end_date", "9999-12-31"), ("partner", "standing.fresh_ru.service_desk_since", "0001-01-01"),
         ("correction", "start", "9999-12-31"), ("transfer", "subscription_end", "9999-12-31")]


def json_path(path: str) -> str:
    """"users.0.name" as the API names it: "users[0].name"."""
    return re.sub(r"\.(\d+)", r"[\1]", path)


def _cases():
    for endpoint, path in DECIMALS:
        for value in BAD_DECIMALS:
            yield pytest.param(endpoint, path, value, json_path(path), id=f"decimal-{endpoint}-{path}-{value!r}"[:90])
    for endpoint, path, most in STRINGS:
        yield pytest.param(endpoint, path, "я" * (most + 1), json_path(path), id=f"length-{endpoint}-{path}")
        yield pytest.param(endpoint, path, "x" * 1_000_000, None, id=f"megabyte-{endpoint}-{path}")
        yield pytest.param(endpoint, path, "a\x00b", json_path(path), id=f"nul-{endpoint}-{path}")
    for endpoint, path in ONE_LINE:
        yield pytest.param(endpoint, path, "ООО Ромашка\nПользователь: evil@x.ru", json_path(path), id=f"newline-{endpoint}-{path}")
        yield pytest.param(endpoint, path, "ООО\u2028Ромашка", json_path(path), id=f"separator-{endpoint}-{path}")
    for endpoint, path, value in TYPES:
        yield pytest.param(endpoint, path, value, json_path(path), id=f"type-{endpoint}-{path}")
    for endpoint, path, value in DIGITS:
        yield pytest.param(endpoint, path, value.translate(ARABIC), json_path(path), id=f"arabic-{endpoint}-{path}")
        yield pytest.param(endpoint, path, value.translate(FULL_WIDTH), json_path(path), id=f"fullwidth-{endpoint}-{path}")
    for endpoint, path, value in DATES:
        yield pytest.param(endpoint, path, value, json_path(path), id=f"date-{endpoint}-{path}-{value}")
    yield pytest.param("enrollment", "timezone", "Mars/Olympus", "timezone", id="timezone-unknown")
    yield pytest.param("enrollment", "timezone", "../../etc/passwd", "timezone", id="timezone-path")


def snapshot(url: str) -> dict[str, int]:
    """Rows in every table: what "nothing changed" is checked against."""
    async def run() -> dict[str, int]:
        db = Database(url)
        try:
            async with db.engine.connect() as connection:
                tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
                return {t: (await connection.execute(text(f'select count(*) from "{t}"'))).scalar_one()
                        for t in sorted(tables) if t != "alembic_version"}
        finally:
            await db.dispose()

    return asyncio.run(run())


class Shop:
    """A customer of tenant A, and a way to send each endpoint a body."""

    def __init__(self, client, headers: dict[str, str], url: str, customer_id: str) -> None:
        self.client, self.headers, self.url, self.customer_id = client, headers, url, customer_id

    def send(self, endpoint: str, body: dict | bytes):
        method, path, _ = ENDPOINTS[endpoint]
        path = path.replace("{customer}", self.customer_id)
        if isinstance(body, bytes):
            return self.client.request(method, path, content=body,
                                       headers={**self.headers, "Content-Type": "application/json"})
        body = {k: (v.replace("{customer}", self.customer_id) if isinstance(v, str) else v) for k, v in body.items()}
        return self.client.request(method, path, json=body, headers=self.headers)


@pytest.fixture(scope="module")
def shop(module_database_url):
    """One hub per backend for the whole module: bad input changes nothing, and each case checks that."""
    url = module_database_url
    tenant = asyncio.run(make_tenant(url, "ООО Альфа"))
    with TestClient(app_for(url)) as client:
        customer = client.post("/api/v1/customers", json={**RU_CUSTOMER, "accounts": {"fresh_ru_subscriber": 1001}},
                               headers=tenant.headers)
        assert customer.status_code == 201, customer.text
        yield Shop(client, tenant.headers, url, customer.json()["id"])


def refused(response, field: str | None) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert "Traceback" not in response.text
    if field is not None:
        named = [e["field"] for e in body.get("errors") or []]
        assert field in named, (field, body)
    return body


def test_every_endpoint_takes_its_valid_body(shop):
    """The baseline the cases below mutate: each valid body is not refused for its shape."""
    for endpoint, (_, _, body) in ENDPOINTS.items():
        response = shop.send(endpoint, body)
        assert response.status_code < 400 or (response.status_code == 404 and SUB in ENDPOINTS[endpoint][1]), (
            endpoint, response.text)


@pytest.mark.parametrize(("endpoint", "path", "value", "field"), list(_cases()))
def test_bad_field_is_a_4xx_naming_it_and_changes_nothing(shop, endpoint, path, value, field):
    before = snapshot(shop.url)
    response = shop.send(endpoint, _set(ENDPOINTS[endpoint][2], path, value))
    body = refused(response, field)
    if isinstance(value, str) and ("\n" in value or "\u2028" in value):
        assert "line breaks" in body["detail"] and "regex" not in body["detail"], body  # said for people
    if value == "x" * 1_000_000:
        assert response.status_code in (413, 422)
    assert snapshot(shop.url) == before


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("raw", [
    pytest.param(b'{"legal_name": "\xff\xfe"}', id="invalid-utf8"),
    pytest.param(b'{"legal_name": "\xc0\xaf"}', id="overlong-utf8"),
    pytest.param(b'{"legal_name": "\xed\xa0\x80"}', id="surrogate-utf8"),
    pytest.param(b'{"x": ' + b"[" * 1000 + b"]" * 1000 + b"}", id="nested-1k"),
    pytest.param(b'{"x": ' + b'{"a":' * 10000 + b"1" + b"}" * 10000 + b"}", id="nested-10k"),
    pytest.param(b'{"legal_name": "a\x00b"}', id="raw-nul"),
    pytest.param(b'{"legal_name": ', id="truncated"),
    pytest.param(b"[]", id="array"),
    pytest.param(b"   ", id="blank"),
])
def test_malformed_body_is_a_400_and_changes_nothing(shop, endpoint, raw):
    before = snapshot(shop.url)
    response = shop.send(endpoint, raw)
    assert response.status_code in (400, 422), (response.status_code, response.text[:300])
    refused(response, None)
    assert snapshot(shop.url) == before


@pytest.mark.parametrize(("path", "params"), [
    ("/api/v1/events", {"after": str(2 ** 64)}),
    ("/api/v1/events", {"after": "١٢"}),
    ("/api/v1/customers", {"offset": str(2 ** 64)}),
    ("/api/v1/customers", {"limit": str(-2 ** 70)}),
    ("/api/v1/customers", {"q": "a\x00b"}),
    ("/api/v1/customers", {"inn": "77\x0007"}),
    ("/api/v1/customers", {"q": "я" * 5000}),
    ("/api/v1/subscriptions", {"offset": str(2 ** 63)}),
    ("/api/v1/operations", {"limit": "9" * 40}),
    ("/api/v1/reports/renewals", {"within_days": str(2 ** 64)}),
    ("/api/v1/events", {"after": "9999999999"}),  # beyond the 32-bit id columns (a 500 on PostgreSQL)
    ("/api/v1/reports/notices", {"on": "9999-12-31"}),
    ("/api/v1/reports/notices", {"on": "0001-01-01"}),
    ("/api/v1/reports/weekly", {"week": "9999-W52"}),
    ("/api/v1/reports/churn", {"month": "9999-12"}),
    ("/api/v1/reports/churn", {"month": "0000-01"}),
])
def test_bad_query_is_a_4xx_naming_the_parameter(shop, path, params):
    refused(shop.client.get(path, params=params, headers=shop.headers), next(iter(params)))


@pytest.mark.parametrize("path", [
    f"/api/v1/operations/{2 ** 64}/retry",
    "/api/v1/operations/2147483648/retry",
    "/api/v1/operations/%D9%A3/retry",  # an Arabic-Indic 3
    "/api/v1/operations/+7/retry",
    "/api/v1/operations/1_000/retry",
    "/api/v1/customers/a%00b",
    "/api/v1/subscriptions/a%00b/self-extension",
    "/api/v1/enrollments/a%00b/cancel-trial",
])
def test_bad_path_is_a_4xx_and_changes_nothing(shop, path):
    before = snapshot(shop.url)
    method = "GET" if path.count("/") == 4 else "POST"
    refused(shop.client.request(method, path, headers=shop.headers), None)
    assert snapshot(shop.url) == before


def test_path_integers_are_plain_ascii_digits(shop):
    """/operations/٣/retry must not mean operation 3: the answer names the parameter, not "no operation 3"."""
    response = shop.client.post("/api/v1/operations/%D9%A3/retry", headers=shop.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "operation_id", response.text


@pytest.mark.parametrize(("body", "field"), [
    ({"token": "s3cret\r\nX-Evil: 1", "partner_code": "0320"}, "token"),
    ({"token": "сек рет", "partner_code": "0320"}, "token"),
])
def test_credentials_that_no_header_can_carry_are_refused(shop, body, field):
    before = snapshot(shop.url)
    refused(shop.client.put("/api/v1/partner/credentials/rarus", json=body, headers=shop.headers), field)
    assert snapshot(shop.url) == before
