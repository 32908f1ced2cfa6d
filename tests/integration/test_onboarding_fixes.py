"""Issue 10, onboarding: e-mail answers that overtake the worker, the default trial per provider, retries that
re-read the card, what a retrying step shows, and provider objects that are gone — on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

import httpx

from hub.core import outbox
from tests.conftest import make_tenant

from .live import PARTNER_MAILBOX, STANDING, customer_for, enrollment_for, running
from .test_onboarding import all_active, drive

OTHER_INN = "7736207543"  # a valid ИНН other than customer_for()'s 7707083893


async def _get(live, path: str, **params):
    response = await live.client.get(path, headers=live.headers, params=params or None)
    assert response.status_code == 200, response.text
    return response.json()


async def _rounds(worker, live, enrollment_id: str, until, seconds: float = 30.0) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        await worker.run_once()
        shown = await _get(live, f"/api/v1/enrollments/{enrollment_id}")
        if until(shown):
            return shown
        assert time.monotonic() < deadline, shown
        await asyncio.sleep(0.05)


async def _forward(live, mail) -> dict:
    response = await live.client.post("/api/v1/inbound/mail", headers=live.headers, json={
        "subject": mail.subject, "in_reply_to": mail.in_reply_to, "body": mail.body, "sender": mail.mail_from})
    assert response.status_code == 200, response.text
    return response.json()


# --- 1. an answer that overtakes the worker's record of its request ------------------------------------------
async def test_med_onb_03_issued_mail_before_the_request_is_recorded_is_stored_then_applied(database_url, sandboxes):
    """MED-ONB-03/04: the desk's «Сертификаты выпущены» reaches the hub while the worker that sent the request
    was killed before recording it. The mail is stored (outcome ``stored_until_request_sent``, not "issued"),
    and applied when the rerun records the request: the invitation goes out with no second mail forwarded."""
    async with running(database_url, sandboxes, lease_seconds=1) as (live, worker):
        enrollment = await live.enroll("medicine")
        async with worker.db.sessions() as session:  # a worker claims the request, sends it, and dies
            [claimed] = await outbox.claim(session, "killed-worker", datetime.now(timezone.utc), 10,
                                           timedelta(seconds=1), skip_locked=not worker.db.is_sqlite)
        assert claimed.kind == "request_certificates"
        assert (await worker.execute(claimed)).kind == "ok"
        [request] = sandboxes.desk.requests  # its batch: the next working day's 10:00 МСК (after a weekend on Fridays)
        sandboxes.states["medicine"].clock.set(max(request.issue_at, sandboxes.states["medicine"].clock.now()))
        await sandboxes.desk.issue_due()
        mails = list(sandboxes.sink.to(PARTNER_MAILBOX))
        issued = next(m for m in mails if m.subject.startswith("Сертификаты выпущены"))
        accepted = next(m for m in mails if m.subject.startswith("Заявка принята"))

        early = await _forward(live, issued)
        assert early.get("outcome") == "stored_until_request_sent", early
        assert early["matched"] and early["enrollment_id"] == enrollment["id"] and early["answer"] == "issued"
        noted = await _forward(live, accepted)
        assert (noted["answer"], noted["outcome"]) == ("accepted", "noted")
        waiting = await _get(live, f"/api/v1/enrollments/{enrollment['id']}")
        assert waiting["state"] == "requested"

        await asyncio.sleep(1.1)  # the dead worker's lease runs out; the next round reruns and records the request
        final = await _rounds(worker, live, enrollment["id"], lambda e: e["state"] == "trial_active")
        assert final["steps"][0]["step"] == "certificates" and final["steps"][0]["status"] == "done"
        events = (await _get(live, "/api/v1/events", limit=500))["items"]
        applied = [e["data"] for e in events if e["kind"] == "stored_mail_applied"]
        assert [(d["answer"], d["outcome"]) for d in applied] == [("issued", "applied")]
        assert [e["data"]["source"] for e in events if e["kind"] == "certificates_issued"] == ["e-mail"]
        again = await _forward(live, issued)
        assert again["outcome"] == "already_applied"
        unknown = await live.client.post("/api/v1/inbound/mail", headers=live.headers,
                                         json={"subject": "Сертификаты выпущены", "in_reply_to": "<nope@x>"})
        assert unknown.json()["matched"] is False and unknown.json()["outcome"] == "unmatched"


# --- 2. the default trial per provider ------------------------------------------------------------------------
TRIALS = {  # provider: (the trial tariff at the provider, its days, the rule)
    "fresh_ru": ("Пробный период", 30, "FR-ONB-01"),
    "fresh_kz": ("Пробный период", 30, "FK-ONB-01"),
    "medicine": ("1С:Медицина. Больница через Интернет ТЕСТОВЫЙ", 30, "MED-ONB-05"),
}


async def test_fk_onb_01_default_trial_tariff_and_length_per_provider(database_url, sandboxes):
    """FK-ONB-01: a fresh_kz invitation naming no tariff starts the 30-day standard trial, not the 15-day
    «1С:Кассир Тестовый» that comes first in the catalog (FK-SUB-19: only when asked for); FR-ONB-01 30 days,
    MED-ONB-05 «Больница … ТЕСТОВЫЙ» 30 days, RA-ONB-01 14 days."""
    async with running(database_url, sandboxes) as (live, worker):
        made = {p: await live.enroll(p) for p in (*TRIALS, "rarus")}
        kassir = await live.enroll("fresh_kz", tariff="1С:Кассир Тестовый")
        await drive(live, worker, all_active)
        for provider, (tariff, days, rule) in TRIALS.items():
            final = await _get(live, f"/api/v1/enrollments/{made[provider]['id']}")
            subscriber = sandboxes.states[provider].subscribers[int(final["account"])]
            assert subscriber.trial_tariff == tariff, (rule, subscriber.trial_tariff)
            assert (subscriber.trial_end - subscriber.trial_start).days + 1 == days, rule
            assert final["trial_end"] == subscriber.trial_end.isoformat(), rule
        rarus = await _get(live, f"/api/v1/enrollments/{made['rarus']['id']}")
        client = sandboxes.states["rarus"].clients[rarus["account"]]
        assert client.trial_end == sandboxes.states["rarus"].today() + timedelta(days=13)  # RA-ONB-01
        asked = await _get(live, f"/api/v1/enrollments/{kassir['id']}")
        subscriber = sandboxes.states["fresh_kz"].subscribers[int(asked["account"])]
        assert subscriber.trial_tariff == "1С:Кассир Тестовый"
        assert (subscriber.trial_end - subscriber.trial_start).days + 1 == 15  # FK-SUB-19


# --- 3. the Rarus trial request's fields, up front and on a retry -----------------------------------------------
def test_ra_onb_02_a_rarus_enrollment_without_the_customers_inn_is_refused(api):
    """RA-ONB-02: the trial request carries the customer's data (its ИНН): without it the enrollment is
    refused with a 422 naming the field and the rule, as medicine's are (MED-ONB-04), and nothing is queued."""
    client, a, _, _ = api
    assert client.patch("/api/v1/partner", json={"standing": STANDING}, headers=a.headers).status_code == 200
    card = {k: v for k, v in customer_for("rarus", 1).items() if k != "inn"}
    customer = client.post("/api/v1/customers", json=card, headers=a.headers).json()
    refused = client.post(f"/api/v1/customers/{customer['id']}/enrollments", json=enrollment_for("rarus", 1),
                          headers=a.headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "RA-ONB-02" and refused.json()["errors"][0]["field"] == "inn"
    assert client.get("/api/v1/operations", headers=a.headers).json()["total"] == 0
    filled = client.patch(f"/api/v1/customers/{customer['id']}", json={"inn": OTHER_INN}, headers=a.headers)
    assert filled.status_code == 200, filled.text
    accepted = client.post(f"/api/v1/customers/{customer['id']}/enrollments", json=enrollment_for("rarus", 1),
                           headers=a.headers)
    assert accepted.status_code == 201, accepted.text


async def _refused_for_a_wrong_inn(live, worker, sandboxes, n: int):
    """Rarus holds a trial request for the owner's e-mail with the customer's real ИНН while the hub's card has
    a wrong one: the hub's request is refused (not adopted) and the enrollment fails."""
    owner = enrollment_for("rarus", n)["users"][0]["email"]
    existing = sandboxes.states["rarus"].request_trial({
        "partner": {"code": "0320"}, "customer": {"name": f"ООО Клиент {n}", "inn": OTHER_INN, "email": owner},
        "products": ["bp"], "users": 1})
    enrollment = await live.enroll("rarus", n)
    failed = await _rounds(worker, live, enrollment["id"], lambda e: e["state"] == "failed")
    assert "another ИНН" in failed["failure"]
    [operation] = (await _get(live, "/api/v1/operations", status="failed"))["items"]
    return enrollment, operation, existing, owner


async def test_ra_onb_02_a_retry_rereads_the_customer_card(database_url, sandboxes):
    """RA-ONB-02: after the card's ИНН is fixed, the retried trial request carries the new ИНН (not the one
    the request was first made with) and adopts the request Rarus already holds for that customer."""
    async with running(database_url, sandboxes) as (live, worker):
        enrollment, operation, existing, owner = await _refused_for_a_wrong_inn(live, worker, sandboxes, 9101)
        fixed = await live.client.patch(f"/api/v1/customers/{enrollment['customer_id']}", json={"inn": OTHER_INN},
                                        headers=live.headers)
        assert fixed.status_code == 200, fixed.text
        retried = await live.client.post(f"/api/v1/operations/{operation['id']}/retry", headers=live.headers)
        assert retried.status_code == 200, retried.text
        final = await _rounds(worker, live, enrollment["id"], lambda e: e["state"] in ("trial_active", "failed"))
        assert final["state"] == "trial_active", final["failure"]
        assert final["reference"] == str(existing.id)  # adopted: the request Rarus already had
        assert [r.id for r in sandboxes.states["rarus"].requests.values() if r.customer["email"] == owner] == [existing.id]


async def test_ra_onb_02_a_retry_is_refused_while_the_card_lacks_the_inn(database_url, sandboxes):
    """RA-ONB-02: a retry is checked like a new enrollment: with the ИНН cleared from the card it is a 422
    naming the field and the rule, and the operation stays failed."""
    async with running(database_url, sandboxes) as (live, worker):
        enrollment, operation, _, _ = await _refused_for_a_wrong_inn(live, worker, sandboxes, 9102)
        cleared = await live.client.patch(f"/api/v1/customers/{enrollment['customer_id']}", json={"inn": None},
                                          headers=live.headers)
        assert cleared.status_code == 200, cleared.text
        refused = await live.client.post(f"/api/v1/operations/{operation['id']}/retry", headers=live.headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["rule"] == "RA-ONB-02" and refused.json()["errors"][0]["field"] == "inn"
        listed = (await _get(live, "/api/v1/operations", status="failed"))["items"]
        assert [o["id"] for o in listed] == [operation["id"]]
        assert (await _get(live, f"/api/v1/enrollments/{enrollment['id']}"))["state"] == "failed"


# --- 4. what a retrying step shows; one operation with its attempts ---------------------------------------------
async def test_design_core_flow_2_a_retrying_step_shows_its_attempts_and_last_error(database_url, sandboxes):
    """DESIGN.md «Core flows» 2 (the worker retries transient failures; every step shows what it waits for):
    while the invitation is being retried, its step carries the operation, its attempts and last error, and
    `GET /api/v1/operations/{id}` gives that operation with every attempt; another partner's is a 404."""
    provider_url = sandboxes.served["fresh_ru"].url
    async with running(database_url, sandboxes) as (live, worker):
        enrollment = await live.enroll("fresh_ru")
        down = {"kind": "error", "operation": "*", "times": 0, "status": 503}
        assert httpx.post(f"{provider_url}/_control/faults", json=down).status_code == 201
        await worker.run_once()
        shown = await _get(live, f"/api/v1/enrollments/{enrollment['id']}")
        [operation] = (await _get(live, "/api/v1/operations"))["items"]
        invite = shown["steps"][0]
        assert invite["step"] == "invite" and invite["status"] == "in_progress"
        assert invite.get("operation_id") == operation["id"] and invite.get("attempts") == 1, invite
        assert invite["last_error"] and "503" in invite["last_error"], invite
        listed = (await _get(live, "/api/v1/enrollments"))["items"][0]["steps"][0]
        assert (listed["attempts"], listed["last_error"]) == (1, invite["last_error"])
        one = await _get(live, f"/api/v1/operations/{operation['id']}")
        assert one["status"] == "pending" and one["attempts"] == 1
        assert [(a["outcome"], a["error"]) for a in one["history"]] == [("transient", invite["last_error"])]

        assert httpx.delete(f"{provider_url}/_control/faults").status_code == 204
        sent = await _rounds(worker, live, enrollment["id"], lambda e: e["state"] == "invited")
        assert (sent["steps"][0]["attempts"], sent["steps"][0]["last_error"]) == (None, None)
        done = await _get(live, f"/api/v1/operations/{operation['id']}")
        assert done["status"] == "succeeded" and [a["outcome"] for a in done["history"]] == ["transient", "ok"]
        other = await make_tenant(live.settings.database, "ООО Чужой")
        stranger = await live.client.get(f"/api/v1/operations/{operation['id']}", headers=other.headers)
        assert stranger.status_code == 404
        missing = await live.client.get("/api/v1/operations/999999", headers=live.headers)
        assert missing.status_code == 404


# --- 5. a provider object that no longer exists -----------------------------------------------------------------
async def test_fam_onb_01_ra_onb_03_an_object_the_provider_forgot_fails_the_enrollment(database_url, sandboxes):
    """FAM-ONB-01, RA-ONB-03: `hub up` restarted its in-memory sandboxes while the hub's database remembers the
    invitation and the trial request. Polling them gets "not found": the enrollment fails saying the provider
    no longer knows them, after one attempt, and nothing polls them again."""
    sandboxes.states["fresh_ru"].activation_delay = 3600.0  # the customer has not activated yet
    sandboxes.states["rarus"].credentials_delay = timedelta(hours=1)
    async with running(database_url, sandboxes) as (live, worker):
        fresh, rarus = await live.enroll("fresh_ru"), await live.enroll("rarus")
        for made, state in ((fresh, "invited"), (rarus, "trial_requested")):
            await _rounds(worker, live, made["id"], lambda e, state=state: e["state"] == state)
        sandboxes.states["fresh_ru"].invitations.clear()  # the restart
        sandboxes.states["rarus"].requests.clear()
        for made, what in ((fresh, "invitation"), (rarus, "trial request")):
            final = await _rounds(worker, live, made["id"], lambda e: e["state"] == "failed")
            assert final["failure"].startswith(f"the provider no longer knows {what} {final['reference']} "), final
        polls = [o for o in (await _get(live, "/api/v1/operations"))["items"] if o["kind"] == "poll_access"]
        assert [(o["status"], o["attempts"]) for o in polls] == [("failed", 1), ("failed", 1)]
        for _ in range(3):
            await worker.run_once()
        again = [o for o in (await _get(live, "/api/v1/operations"))["items"] if o["kind"] == "poll_access"]
        assert again == polls
