"""`hub serve` as a real process on loopback, and the CLI printing what the API answers."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from ..conftest import BACKENDS

QUOTE = {
    "region": "ru",
    "months": 12,
    "created_on": "2026-11-02",
    "seat_plan": [{"users": 2, "configurations": ["zup", "bp"], "mode": "alternate"}, {"users": 1, "configurations": ["bp"]}],
    "customer": {"new_to_1c": True},
    "partner": {"fresh_ru": {"csk": True, "service_desk_since": "2026-01-01"}, "rarus": {"agent_fee_percent": "20"}},
}
PRICE = {"provider": "fresh_ru", "tariff": "151", "months": 12, "created_on": "2026-11-02",
         "partner": {"fresh_ru": {"csk": True}}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ENV: dict[str, str] = {}
KEY_CACHE_SECONDS = 1


def hub(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hub.cli", *args], input=stdin, capture_output=True, text=True,
                          timeout=60, env=ENV)


@pytest.fixture(scope="module", params=BACKENDS)
def tenant(request, tmp_path_factory) -> dict[str, str]:
    """A partner and an operator key made with the CLI, in a fresh embedded SQLite file or PostgreSQL database."""
    ENV.clear()
    ENV.update(os.environ, HUB_DATA_DIR=str(tmp_path_factory.mktemp("hub-data")), HUB_KEY_CACHE_SECONDS=str(KEY_CACHE_SECONDS))
    ENV.pop("HUB_DATABASE_URL", None)
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres")
        ENV["HUB_DATABASE_URL"] = asyncio.run(server.create_database(f"e2e_{uuid.uuid4().hex[:12]}"))
    created = hub("partner", "create", "ООО Тестовый партнер")
    assert created.returncode == 0, created.stderr
    partner_id = created.stdout.strip().splitlines()[-1]
    key = hub("key", "create", partner_id, "--role", "operator")
    assert key.returncode == 0, key.stderr
    return {"partner_id": partner_id, "key": key.stdout.strip().splitlines()[-1]}


@pytest.fixture(scope="module")
def server(tenant) -> Iterator[httpx.Client]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"hub serve did not start: {process.stdout.read().decode() if process.stdout else ''}")
            time.sleep(0.1)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tenant['key']}"}, timeout=10) as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_answers_schema_and_a_quote(server):
    assert httpx.get(str(server.base_url.join("/schema/openapi.json"))).status_code == 200
    assert httpx.post(str(server.base_url.join("/api/v1/quotes")), json=QUOTE).status_code == 401
    response = server.post("/api/v1/quotes", json=QUOTE)
    assert response.status_code == 200
    assert any(o["eligible"] for o in response.json()["offers"])


def test_cli_quote_prints_what_the_api_answers(server, tenant, tmp_path):
    api = server.post("/api/v1/quotes", json=QUOTE).json()
    from_stdin = hub("quote", "-", "--partner", tenant["partner_id"], stdin=json.dumps(QUOTE))
    assert from_stdin.returncode == 0, from_stdin.stderr
    path = tmp_path / "need.json"
    path.write_text(json.dumps(QUOTE), encoding="utf-8")
    from_file = hub("quote", str(path), "--partner", tenant["partner_id"])
    assert json.loads(from_stdin.stdout) == api == json.loads(from_file.stdout)


def test_cli_price_prints_what_the_api_answers(server, tenant):
    api = server.post("/api/v1/prices/subscription", json=PRICE).json()
    cli = hub("price", "-", "--partner", tenant["partner_id"], stdin=json.dumps(PRICE))
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == api


def test_cli_bad_input_prints_the_api_problem(server):
    bad = {**QUOTE, "months": 0}
    api = server.post("/api/v1/quotes", json=bad)
    cli = hub("quote", "-", stdin=json.dumps(bad))
    assert cli.returncode == 2 and cli.stdout == ""
    assert json.loads(cli.stderr)["errors"] == api.json()["errors"]
    refused = hub("price", "-", stdin=json.dumps({"provider": "medicine"}))
    assert refused.returncode == 2 and json.loads(refused.stderr)["rule"] == "MED-ONB-01"


def test_revoked_key_is_refused(server, tenant):
    """`hub key revoke` is another process than the server: the server refuses the key within the cache's TTL
    (HUB_KEY_CACHE_SECONDS, 1 s for this server)."""
    made = hub("key", "create", tenant["partner_id"], "--role", "viewer")
    key = made.stdout.strip().splitlines()[-1]
    key_id = made.stdout.split()[2]
    headers = {"Authorization": f"Bearer {key}"}
    assert httpx.get(str(server.base_url.join("/api/v1/customers")), headers=headers).status_code == 200
    assert hub("key", "revoke", key_id).returncode == 0
    revoked_at = time.monotonic()
    while httpx.get(str(server.base_url.join("/api/v1/customers")), headers=headers).status_code != 401:
        assert time.monotonic() - revoked_at < KEY_CACHE_SECONDS + 1, "the revoked key outlived the cache's TTL"
        time.sleep(0.05)


def test_cli_catalog_dir_option(tenant, tmp_path):
    result = hub("catalog", "rarus", "--catalog-dir", str(tmp_path))
    assert result.returncode == 1 and "catalog file not found" in json.loads(result.stderr)["detail"]


def test_hub_sandboxes_prints_working_addresses():
    process = subprocess.Popen([sys.executable, "-m", "hub.cli", "sandboxes", "--free-ports"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        addresses = {}
        assert process.stdout is not None
        for line in process.stdout:  # one "name address" line per sandbox, then "sandboxes running"
            if line.startswith("sandboxes running"):
                break
            name, address = line.split()
            addresses[name] = address
        assert {"fresh_ru", "fresh_kz", "medicine", "rarus", "medicine_smtp", "mail_sink_smtp"} <= set(addresses)
        for name in ("fresh_ru", "fresh_kz", "medicine", "rarus"):
            assert httpx.get(addresses[name] + "/_control/clock").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
