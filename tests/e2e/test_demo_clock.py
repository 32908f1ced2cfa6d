"""`hub up --demo`: one controllable clock moves the hub and the sandboxes forward together (issue 11).

On SQLite and PostgreSQL, as a demo runs it: a trial reaches its end and expires (FR-ONB trial sweep),
a customer's expiry notice falls due at −7 days and is mailed (FAM-SUB-14), and an outgoing transfer
nobody answers is approved after 24 hours (FAM-TRF) — each by POST /_control/clock alone, no waiting.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import httpx
import pytest

from .test_demo_and_cli import CUSTOMER, Demo, enroll, hub_up, wait

FRESH_USER = [{"name": "Иван Демо", "email": "ivan@demo.ru"}]


@pytest.fixture(scope="module")
def demo(demo_env, tmp_path_factory):
    started = hub_up(demo_env, tmp_path_factory.mktemp("demo-clock") / "hub-up.log", "--demo")
    try:
        yield started
    finally:
        started.stop()


def move(demo: Demo, **body: object) -> dict:
    answer = httpx.post(f"{demo.api}/_control/clock", json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def hub_now(demo: Demo) -> datetime:
    return datetime.fromisoformat(httpx.get(f"{demo.api}/_control/clock").json()["now"])


def test_hub_up_demo_says_its_clock_is_controllable_and_moves_it_only_forward(demo):
    assert "clock     controllable" in demo.text, demo.text
    assert httpx.post(f"{demo.api}/_control/clock", json={"advance_seconds": -1}).status_code == 422  # forward only
    assert httpx.post(f"{demo.api}/_control/clock", json={"advance_seconds": "soon"}).status_code == 422


def test_moving_the_hub_clock_ends_a_trial_mails_a_notice_and_auto_approves_a_transfer(demo):
    with demo.client() as client:
        ending = enroll(client, {**CUSTOMER, "legal_name": "ООО Пробный", "email": "trial@demo.ru"},
                        {"provider": "fresh_ru", "users": FRESH_USER})
        paying = enroll(client, {**CUSTOMER, "legal_name": "ООО Платящий", "email": "pays@demo.ru"},
                        {"provider": "fresh_ru", "users": [{"name": "Пётр Демо", "email": "petr@demo.ru"}]})
        for enrollment in (ending, paying):  # the hub asked the sandbox for the customer's application
            wait(lambda e=enrollment: client.get(f"/api/v1/enrollments/{e['id']}").json(), lambda e: e["reference"])

        before = hub_now(demo)
        moved = move(demo, advance_seconds=120)  # past the sandbox's 60 s activation, on both sides
        assert datetime.fromisoformat(moved["now"]) - before >= timedelta(seconds=120)
        for provider in ("fresh_ru", "fresh_kz", "medicine", "rarus"):
            assert datetime.fromisoformat(moved["sandboxes"][provider]) >= datetime.fromisoformat(moved["now"]) - timedelta(seconds=5)
        for enrollment in (ending, paying):
            trial = wait(lambda e=enrollment: client.get(f"/api/v1/enrollments/{e['id']}").json(),
                         lambda e: e["state"] in ("trial_active", "failed"))
            assert trial["state"] == "trial_active", trial
        trial_end = date.fromisoformat(client.get(f"/api/v1/enrollments/{ending['id']}").json()["trial_end"])

        today = hub_now(demo).date()
        order = {"customer_id": paying["customer_id"], "provider": "fresh_ru", "tariff": "102", "months": 12}
        price = client.post("/api/v1/subscriptions", json={**order, "dry_run": True}).json()["customer_price"]
        made = client.post("/api/v1/subscriptions", json={**order, "payment": {
            "amount": price, "paid_on": today.isoformat(), "document": "п/п 7"}})
        assert made.status_code == 201, made.text
        paid = wait(lambda: client.get(f"/api/v1/subscriptions/{made.json()['id']}").json(),
                    lambda s: s["status"] in ("active", "failed"))
        assert paid["status"] == "active", paid
        end = date.fromisoformat(paid["end"])
        assert end > trial_end

        # a year on, seven days before the subscription's end: the trial is long over, the −7 notice is due
        days = (end - timedelta(days=7) - hub_now(demo).date()).days
        move(demo, advance_seconds=days * 86400)
        assert hub_now(demo).date() == end - timedelta(days=7)
        expired = client.get(f"/api/v1/enrollments/{ending['id']}").json()
        assert expired["state"] == "expired", expired
        notices = client.get("/api/v1/reports/notices").json()
        mine = [n for n in notices if n["subscription"] == paid["id"]]
        assert [(n["offset_days"], n["email"], n["queued"]) for n in mine] == [(-7, "pays@demo.ru", True)], notices
        sent = wait(lambda: [n for n in client.get("/api/v1/reports/notices").json() if n["subscription"] == paid["id"]],
                    lambda found: found[0]["sent_at"] or found[0]["note"])
        assert sent[0]["sent_at"] is not None, sent  # the worker mailed it through the demo's SMTP server
        mailed = httpx.get(f"{demo.sandboxes['medicine']}/_control/certificates").json()["other_mail"]
        assert [m["to"] for m in mailed if end.isoformat() in m["body"]] == ["pays@demo.ru"], mailed

        transfer = client.post("/api/v1/transfers", json={"customer_id": paying["customer_id"], "provider": "fresh_ru",
                                                          "direction": "outgoing", "other_partner": "ООО Соседи"})
        assert transfer.status_code == 201, transfer.text
        assert transfer.json()["status"] == "awaiting_decision"
        move(demo, advance_seconds=23 * 3600)
        assert client.get(f"/api/v1/transfers/{transfer.json()['id']}").json()["status"] == "awaiting_decision"
        move(demo, advance_seconds=2 * 3600)
        decided = client.get(f"/api/v1/transfers/{transfer.json()['id']}").json()
        assert decided["status"] == "auto_approved", decided
        assert decided["decided_at"] == decided["answer_by"] or \
            datetime.fromisoformat(decided["decided_at"]) == datetime.fromisoformat(decided["answer_by"])
