"""Issue 9 §0: each partner's own provider credentials — write-only over the API and the CLI,
encrypted at rest, never in any answer, the hub's demo default for partners without them."""
from __future__ import annotations

import asyncio
import io
import json
from contextlib import redirect_stdout

import pytest
from cryptography.fernet import Fernet
from litestar.testing import TestClient
from sqlalchemy import text

from hub import cli
from hub.core.db import Database
from tests.conftest import app_for, make_tenant, new_key

KEY = Fernet.generate_key().decode()
PASSWORD, TOKEN = "s3cret-Фреш-password", "rarus-token-that-must-not-leak"
SECRETS = (PASSWORD, TOKEN)


@pytest.fixture
def two(database_url, tmp_path):
    a = asyncio.run(make_tenant(database_url, "ООО Альфа"))
    b = asyncio.run(make_tenant(database_url, "ООО Бета"))
    with TestClient(app_for(database_url, secret_key=KEY, data_dir=tmp_path)) as client:
        yield client, a, b, database_url


def raw_rows(url: str) -> dict[str, list[str]]:
    """Every row of the tables a secret could leak into, as text, straight from the database."""
    async def run() -> dict[str, list[str]]:
        db = Database(url)
        try:
            async with db.engine.connect() as connection:
                found = {}
                for table in ("provider_credentials", "audit_log", "idempotency_records", "partners"):
                    rows = (await connection.execute(text(f"select * from {table}"))).all()
                    found[table] = [repr(tuple(row)) for row in rows]
                return found
        finally:
            await db.dispose()

    return asyncio.run(run())


def test_credentials_are_stored_encrypted_and_never_answered(two):
    client, a, b, url = two
    answers = []
    fresh = client.put("/api/v1/partner/credentials/fresh_ru", headers=a.headers,
                       json={"login": "alfa", "password": PASSWORD, "account": 49})
    rarus = client.put("/api/v1/partner/credentials/rarus", headers=a.headers,
                       json={"token": TOKEN, "partner_code": "555"})
    assert fresh.status_code == rarus.status_code == 200, (fresh.text, rarus.text)
    assert fresh.json()["account"] == 49 and fresh.json()["configured"] is True
    assert rarus.json()["partner_code"] == "0555"  # RA-ONB-08: the 4-character form
    answers += [fresh, rarus]

    listed = client.get("/api/v1/partner/credentials", headers=a.headers)
    by_provider = {item["provider"]: item for item in listed.json()["items"]}
    assert set(by_provider) == {"fresh_ru", "fresh_kz", "medicine", "rarus"}
    assert by_provider["fresh_ru"]["source"] == "partner" and by_provider["fresh_kz"]["source"] == "hub default"
    assert by_provider["fresh_kz"]["configured"] is False and by_provider["fresh_kz"]["account"] is None
    answers += [listed, client.get("/api/v1/partner/credentials/rarus", headers=a.headers),
                client.get("/api/v1/audit", headers=a.headers), client.get("/api/v1/partner", headers=a.headers)]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert not any(secret in answer.text for secret in SECRETS), answer.text
        assert not any(f'"{name}"' in answer.text for name in ("login", "password", "token")), answer.text
    assert not any(secret in client.get("/schema/openapi.json").text for secret in SECRETS)

    rows = raw_rows(url)
    assert len(rows["provider_credentials"]) == 2
    for table, texts in rows.items():
        for row in texts:
            assert not any(secret in row for secret in SECRETS), (table, row)
            assert "alfa" not in row or table == "partners", (table, row)  # the login is secret too

    # the other partner sees only its own: the hub's default everywhere
    theirs = client.get("/api/v1/partner/credentials", headers=b.headers).json()["items"]
    assert all(item["configured"] is False for item in theirs)


def test_only_an_admin_writes_them_and_bad_input_names_the_field(two):
    client, a, _, url = two
    operator = new_key(url, a.partner_id, "operator")
    denied = client.put("/api/v1/partner/credentials/rarus", headers=operator,
                        json={"token": TOKEN, "partner_code": "0555"})
    assert denied.status_code == 403
    cases = [
        ("rarus", {"token": TOKEN, "partner_code": "0555", "login": "x"}, "login", None),
        ("fresh_ru", {"login": "alfa", "password": PASSWORD}, "account", None),
        ("fresh_kz", {"login": "alfa", "password": PASSWORD, "account": 0}, "account", None),
        ("rarus", {"token": TOKEN, "partner_code": "32a"}, "partner_code", "RA-ONB-08"),
        ("medicine", {"login": "al:fa", "password": PASSWORD, "account": 7}, "login", None),
        ("medicine", {"login": "alfa", "password": PASSWORD, "account": 7, "colour": "red"}, "colour", None),
    ]
    for provider, body, field, rule in cases:
        answer = client.put(f"/api/v1/partner/credentials/{provider}", headers=a.headers, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in answer.text and PASSWORD not in answer.text and TOKEN not in answer.text
        if rule:
            assert answer.json()["rule"] == rule
    assert client.put("/api/v1/partner/credentials/nowhere", headers=a.headers,
                      json={"token": TOKEN, "partner_code": "0555"}).status_code == 404
    assert all(not item["configured"] for item in
               client.get("/api/v1/partner/credentials", headers=a.headers).json()["items"])

    assert client.put("/api/v1/partner/credentials/rarus", headers=a.headers,
                      json={"token": TOKEN, "partner_code": "0555"}).status_code == 200
    assert client.delete("/api/v1/partner/credentials/rarus", headers=operator).status_code == 403
    assert client.delete("/api/v1/partner/credentials/rarus", headers=a.headers).status_code == 204
    assert client.get("/api/v1/partner/credentials/rarus", headers=a.headers).json()["source"] == "hub default"
    assert raw_rows(url)["provider_credentials"] == []


def test_the_cli_sets_them_write_only(database_url, tmp_path, monkeypatch):
    tenant = asyncio.run(make_tenant(database_url, "ООО Альфа"))
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    monkeypatch.setenv("HUB_SECRET_KEY", KEY)
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["partner", "credentials", tenant.partner_id, "fresh_ru", "--login", "alfa",
                         "--password", "-", "--account", "49"])
    assert code == 0 and PASSWORD not in out.getvalue()
    assert json.loads(out.getvalue())["account"] == 49
    row = raw_rows(database_url)["provider_credentials"][0]
    assert PASSWORD not in row and "'49'" in row
    assert cli.main(["partner", "credentials", tenant.partner_id, "rarus", "--login", "alfa"]) == cli.EXIT_BAD_INPUT
