"""`hub up` (what `make run` does) as a new user meets it, on SQLite and PostgreSQL (issue 10).

It prints a demo partner and its admin key once; the hub stores the demo standing of providers/demo.py
and the sandboxes' default partner account has the same, so a first fresh_ru subscription is priced
alike on both sides (FR-DISC-03) and medicine (MED-ONB-01, MED-ONB-02) and Rarus (RA-ONB-02, RA-ONB-08)
enrollments are accepted. The sandboxes are in memory, so each `hub up` starts from a clean demo state
unless --keep (or a HUB_DATABASE_URL) keeps the database, and then it says what the sandboxes forgot.
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from hub.partners.schemas import Standing
from hub.core.settings import Settings
from providers.demo import (
    DEMO_FRESH_ACCOUNT,
    DEMO_FRESH_LOGIN,
    DEMO_FRESH_PASSWORD,
    DEMO_PARTNER_NAME,
    DEMO_RARUS_AGENT_FEE,
    DEMO_RARUS_CODE,
    DEMO_RARUS_TOKEN,
    DEMO_STANDING,
    demo_pricing_standing,
)
from providers.sandbox import FreshPartner, RarusPartner, build_states

from .test_serve_and_cli import free_port

START_TIMEOUT = 60.0
STORED_DEMO = msgspec.to_builtins(msgspec.convert(DEMO_STANDING, Standing))
CUSTOMER = {"legal_name": "ООО Первый клиент", "country": "RU", "inn": "7707083893", "kpp": "773601001",
            "phone": "+74950000000", "email": "first@client.ru", "new_to_1c": True}


@dataclass
class Demo:
    """One `hub up` process, its output and what it printed."""

    process: subprocess.Popen[bytes]
    log: Path
    api: str
    text: str = ""
    partner_id: str = ""
    key: str | None = None
    sandboxes: dict[str, str] = field(default_factory=dict)

    def client(self, key: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.api, headers={"Authorization": f"Bearer {key or self.key}"}, timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def hub_up(env: dict[str, str], log: Path, *extra: str) -> Demo:
    """Start `hub up` on free ports, wait until the API answers, and read what it printed."""
    port = free_port()
    handle = log.open("wb")
    process = subprocess.Popen([sys.executable, "-m", "hub.cli", "up", "--free-ports", "--port", str(port), *extra],
                               stdout=handle, stderr=subprocess.STDOUT, env=env)
    demo = Demo(process, log, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(f"{demo.api}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            demo.stop()
            raise AssertionError(f"hub up did not start:\n{log.read_text()}")
        time.sleep(0.2)
    demo.text = log.read_text()
    found = re.search(r"^demo partner\s+(.+?)\s+id (\S+)$", demo.text, re.M)
    assert found, demo.text
    assert found[1] == DEMO_PARTNER_NAME
    demo.partner_id = found[2]
    key = re.search(r"admin API key.*\n\s+(hub_\S+)$", demo.text, re.M)
    demo.key = key[1] if key else None
    demo.sandboxes = dict(re.findall(r"^(\w+)\s+((?:http|smtp)://\S+)$", demo.text, re.M))
    return demo


@pytest.fixture(scope="module")
def demo(demo_env, tmp_path_factory):
    started = hub_up(demo_env, tmp_path_factory.mktemp("demo-log") / "hub-up.log")
    try:
        yield started
    finally:
        started.stop()


def wait(what, until, timeout: float = 60.0, every=None):
    """Poll ``what()`` until ``until(value)``; ``every(value)`` runs between polls."""
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if until(value):
            return value
        assert time.monotonic() < deadline, value
        if every is not None:
            every(value)
        time.sleep(0.2)


def enroll(client: httpx.Client, customer: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    made = client.post("/api/v1/customers", json=customer)
    assert made.status_code == 201, made.text
    enrolled = client.post(f"/api/v1/customers/{made.json()['id']}/enrollments", json=body)
    assert enrolled.status_code == 201, enrolled.text  # not a MED-ONB-01/02 or RA-ONB-02 refusal
    return enrolled.json()


def on_trial(demo: Demo, client: httpx.Client, enrollment: dict[str, Any], provider: str, advance: float) -> dict[str, Any]:
    """Wait for the enrollment's trial, moving the provider sandbox's clock past the customer's activation
    (fresh: 60 s) or the Rarus credentials (15 min) once the hub has made its request."""
    moved = []

    def move(current: dict[str, Any]) -> None:
        if current["reference"] and not moved:
            assert httpx.post(f"{demo.sandboxes[provider]}/_control/clock", json={"advance_seconds": advance}).status_code == 200
            moved.append(True)

    return wait(lambda: client.get(f"/api/v1/enrollments/{enrollment['id']}").json(),
                lambda e: e["state"] in ("trial_active", "failed"), every=move)


def test_hub_up_prints_the_demo_partner_its_standing_and_an_admin_key_that_works(demo):
    assert demo.key is not None, demo.text
    assert {"fresh_ru", "fresh_kz", "medicine", "rarus", "medicine_smtp", "mail_sink_inbox"} <= set(demo.sandboxes)
    for provider, values in DEMO_STANDING.items():
        line = re.search(rf"^\s+{provider}\s+(.*)$", demo.text, re.M)
        assert line, demo.text
        assert line[1].split() == [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in values.items()]
    with demo.client() as client:
        partner = client.get("/api/v1/partner")
        assert partner.status_code == 200, partner.text
        assert partner.json()["id"] == demo.partner_id and partner.json()["standing"] == STORED_DEMO
        assert client.patch("/api/v1/partner", json={"name": DEMO_PARTNER_NAME}).status_code == 200  # an admin key


def test_a_new_users_fresh_ru_customer_reaches_its_trial_and_a_first_subscription_priced_alike_fr_disc_03(demo):
    """The walk of the README: a customer, its fresh_ru trial, its first paid subscription. The hub prices
    it with the demo partner's ЦСК standing (FR-DISC-03: 50%) and the sandbox confirms the same figures."""
    with demo.client() as client:
        enrollment = enroll(client, CUSTOMER, {"provider": "fresh_ru", "users": [{"name": "Иван Первый", "email": "ivan@client.ru"}]})
        trial = on_trial(demo, client, enrollment, "fresh_ru", 120)
        assert trial["state"] == "trial_active", trial
        order = {"customer_id": enrollment["customer_id"], "provider": "fresh_ru", "tariff": "102", "months": 12}
        preview = client.post("/api/v1/subscriptions", json={**order, "dry_run": True})
        assert preview.status_code == 200, preview.text
        assert preview.json()["discount_percent"] == 50  # FR-DISC-03 from the stored demo standing
        payment = {"amount": preview.json()["customer_price"], "paid_on": date.today().isoformat(), "document": "п/п 1"}
        made = client.post("/api/v1/subscriptions", json={**order, "payment": payment})
        assert made.status_code == 201, made.text
        row = wait(lambda: client.get(f"/api/v1/subscriptions/{made.json()['id']}").json(),
                   lambda s: s["status"] in ("active", "failed"))
        assert row["status"] == "active", row
        confirmed = row["provider_data"]
        assert (confirmed["discount_percent"], Decimal(confirmed["retail"]), Decimal(confirmed["amount"])) == \
            (row["discount_percent"], Decimal(row["retail"]), Decimal(row["partner_cost"]))
        assert row.get("discrepancies", []) == []


def test_medicine_and_rarus_enrollments_are_accepted_for_the_demo_partner_med_onb_01_02_ra_onb_02(demo):
    with demo.client() as client:
        medicine = enroll(client, {**CUSTOMER, "legal_name": "ООО Клиника", "email": "clinic@client.ru"},
                          {"provider": "medicine", "users": [{"name": "Анна Врач", "email": "anna@clinic.ru",
                                                              "phone": "+79160000000"}]})

        def desk() -> dict[str, Any]:
            return httpx.get(f"{demo.sandboxes['medicine']}/_control/certificates").json()

        # MED-ONB-02: the certificate request names the demo partner's subscriber number, and the desk takes it
        taken = wait(desk, lambda d: d["requests"] or d["rejections"])
        assert taken["rejections"] == [] and taken["requests"][0]["partner_number"] == DEMO_FRESH_ACCOUNT
        # the worker records the sent request after the desk has it: wait for that, do not race it
        recorded = wait(lambda: client.get(f"/api/v1/enrollments/{medicine['id']}").json(),
                        lambda e: e["state"] != "requested")
        assert recorded["state"] == "awaiting_certificates", recorded

        rarus = enroll(client, {**CUSTOMER, "legal_name": "ООО Аренда", "email": "rent@client.ru"},
                       {"provider": "rarus", "users": [{"name": "Пётр Арендатор", "email": "petr@rent.ru"}],
                        "products": ["bp"]})
        trial = on_trial(demo, client, rarus, "rarus", 20 * 60)
        assert trial["state"] == "trial_active", trial
        cabinet = httpx.get(f"{demo.sandboxes['rarus']}/_control/partners").json()["partners"]
        assert cabinet[0]["code"] == DEMO_RARUS_CODE and Decimal(str(cabinet[0]["agent_fee_percent"])) == DEMO_RARUS_AGENT_FEE


def test_a_second_hub_up_on_a_busy_port_changes_nothing(demo, demo_env, tmp_path):
    port = demo.api.rsplit(":", 1)[1]
    refused = subprocess.run([sys.executable, "-m", "hub.cli", "up", "--free-ports", "--port", port],
                             capture_output=True, text=True, timeout=60, env=demo_env)
    assert refused.returncode == 1 and "in use" in refused.stderr
    with demo.client() as client:  # the running demo's database was not set aside
        assert client.get("/api/v1/partner").json()["id"] == demo.partner_id


def test_restarting_hub_up_keeps_or_cleans_the_demo_state_and_says_which(demo, demo_env, tmp_path):
    """The last test of the module: it stops the module's `hub up` and starts it again."""
    first_key = demo.key
    with demo.client() as client:
        remembered = client.get("/api/v1/enrollments").json()["total"]
    assert remembered >= 1
    demo.stop()
    kept_database = "HUB_DATABASE_URL" in demo_env

    again = hub_up(demo_env, tmp_path / "keep.log", "--keep")
    try:
        assert again.partner_id == demo.partner_id and again.key is None  # a key is shown once, when it is made
        assert f"hub key create {demo.partner_id} --role admin" in again.text
        assert f"the {remembered} enrollment(s) this database remembers" in again.text  # the sandboxes forgot them
        with again.client(first_key) as client:
            assert client.get("/api/v1/partner").status_code == 200
    finally:
        again.stop()
    if kept_database:  # a server database (HUB_DATABASE_URL) is never cleaned: kept and said so
        plain = hub_up(demo_env, tmp_path / "plain.log")
        plain.stop()
        assert plain.partner_id == demo.partner_id and plain.key is None and "(kept)" in plain.text
        return

    clean = hub_up(demo_env, tmp_path / "clean.log")
    try:
        assert clean.partner_id != demo.partner_id and clean.key is not None  # a new demo partner, its key printed
        assert "a clean demo state" in clean.text and "remembers" not in clean.text
        previous = Path(demo_env["HUB_DATA_DIR"]) / "hub.sqlite3.previous"
        assert previous.exists() and f"kept as {previous.resolve()}" in clean.text
        with clean.client(first_key) as client:
            assert client.get("/api/v1/partner").status_code == 401  # the previous run's key is gone with its data
        with clean.client() as client:
            assert client.get("/api/v1/enrollments").json()["total"] == 0
    finally:
        clean.stop()


def test_the_sandboxes_default_partner_is_the_demo_partner():
    """One place (providers/demo.py): the hub's default provider account is the sandboxes' default
    partner account, and the sandboxes' standing for it is the demo standing as the hub reads it."""
    engines_read = demo_pricing_standing()
    assert engines_read.csk and engines_read.kz_csk and engines_read.medicine_competence_centre  # FR-DISC-03, FK-DISC-01, MED-ONB-01
    assert engines_read.rarus_commission_percent == DEMO_RARUS_AGENT_FEE  # RA-COMM-01
    settings = Settings()
    assert (settings.fresh_login, settings.fresh_password, settings.fresh_account) == \
        (DEMO_FRESH_LOGIN, DEMO_FRESH_PASSWORD, DEMO_FRESH_ACCOUNT)
    assert (settings.rarus_token, settings.rarus_partner_code) == (DEMO_RARUS_TOKEN, DEMO_RARUS_CODE)
    fresh, rarus = FreshPartner(), RarusPartner()
    assert (fresh.login, fresh.password, fresh.account) == (DEMO_FRESH_LOGIN, DEMO_FRESH_PASSWORD, DEMO_FRESH_ACCOUNT)
    assert (rarus.code, rarus.token) == (DEMO_RARUS_CODE, DEMO_RARUS_TOKEN)
    from pricing import load_catalogs

    states = build_states(load_catalogs(), standing=demo_pricing_standing())
    for provider in ("fresh_ru", "fresh_kz", "medicine"):
        assert states[provider].partner.standing == demo_pricing_standing()
    assert states["rarus"].partner.agent_fee_percent == DEMO_RARUS_AGENT_FEE
