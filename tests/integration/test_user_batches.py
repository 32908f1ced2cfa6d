"""Issue 14, further users of a medicine customer (MED-ONB-02 «Как подключить других сотрудников»): every batch
is its own certificate request to af@1c.ru (cc medfresh@1c.ru), and its users are added at the provider only
once the desk answers «Сертификаты выпущены» (MED-ONB-04) — against the sandboxes, on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio

import httpx

from .live import running
from .test_onboarding import drive

NEW = [{"name": "Петрова Анна Сергеевна", "email": "petrova@clinic.example.ru", "phone": "+79160000001"},
       {"name": "Сидоров Иван Петрович", "email": "sidorov@clinic.example.ru", "phone": "+79160000002"}]


async def batches_of(live, enrollment_id: str) -> list[dict]:
    listed = await live.client.get(f"/api/v1/enrollments/{enrollment_id}/users", headers=live.headers)
    assert listed.status_code == 200, listed.text
    return listed.json()


async def test_med_onb_02_a_further_batch_gets_its_certificates_then_is_added(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        enrolled = await live.enroll("medicine")
        await drive(live, worker, lambda items: any(e["id"] == enrolled["id"] and e["state"] == "trial_active"
                                                    for e in items))
        account = (await live.client.get(f"/api/v1/enrollments/{enrolled['id']}", headers=live.headers)).json()["account"]
        path = f"/api/v1/enrollments/{enrolled['id']}/users"
        made = await live.client.post(path, json={"users": NEW}, headers=live.headers)
        assert made.status_code == 202 and made.json()["state"] == "requested", made.text

        for _ in range(400):  # the worker sends the request; the desk answers at its batch; the answer is forwarded
            await worker.run_once()
            await live.forward_mail()
            [batch] = await batches_of(live, enrolled["id"])
            if batch["state"] in ("added", "failed"):
                break
            if batch["state"] == "awaiting_certificates":
                assert batch["certificates_expected_at"], batch
                sandboxes.states["medicine"].clock.advance(86400)
                await sandboxes.desk.issue_due()
            await asyncio.sleep(0.02)
        assert batch["state"] == "added", batch
        assert batch["certificates_issued_at"] and batch["added_at"]

        # its own request: the customer's lines, its subscriber number, these two users only
        [request] = [r for r in sandboxes.desk.requests if {u["email"] for u in r.users} == {u["email"] for u in NEW}]
        assert (request.whose, request.customer_number) == ("клиента", str(account))
        subscriber = sandboxes.states["medicine"].subscribers[int(account)]
        assert {u["email"] for u in NEW} <= {u["email"] for u in subscriber.users}
        events = (await live.client.get("/api/v1/events", params={"limit": 500}, headers=live.headers)).json()["items"]
        assert {"users_requested", "users_added"} <= {e["kind"] for e in events if e.get("enrollment_id") == enrolled["id"]}

        again = await live.client.post(path, json={"users": NEW[:1]}, headers=live.headers)
        assert again.status_code == 409 and again.json()["errors"][0]["field"] == "users[0].email", again.text
        no_phone = await live.client.post(path, json={"users": [{"name": "Без Телефона", "email": "x@clinic.example.ru"}]},
                                          headers=live.headers)
        assert no_phone.status_code == 422 and no_phone.json()["errors"][0]["field"] == "users[0].phone"
        for bad, field in ((dict(NEW[1], email="a@clinic.example.ru", name="Иванов; Пётр"), "users[0].name"),
                           (dict(NEW[1], email="b@clinic.example.ru", phone="abc"), "users[0].phone")):
            refused = await live.client.post(path, json={"users": [bad]}, headers=live.headers)
            assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == field, refused.text
        assert len(await batches_of(live, enrolled["id"])) == 1  # the refusals stored nothing


async def test_further_users_only_on_a_running_medicine_enrollment(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        fresh = await live.enroll("fresh_ru")
        refused = await live.client.post(f"/api/v1/enrollments/{fresh['id']}/users", json={"users": NEW},
                                         headers=live.headers)
        assert refused.status_code == 422 and refused.json()["rule"] == "MED-ONB-02", refused.text
        customer = fresh["customer_id"]
        bad_phone = await live.client.post(f"/api/v1/customers/{customer}/enrollments", headers=live.headers, json={
            "provider": "rarus", "products": ["bp"], "users": [dict(NEW[0], phone="abc")]})
        assert bad_phone.status_code == 422 and bad_phone.json()["errors"][0]["field"] == "users[0].phone"
        medicine = await live.enroll("medicine")  # not in yet: its own certificates come first
        early = await live.client.post(f"/api/v1/enrollments/{medicine['id']}/users", json={"users": NEW},
                                       headers=live.headers)
        assert early.status_code == 422 and early.json()["errors"][0]["field"] == "state", early.text


async def test_a_failed_batch_step_retried_by_the_operator_carries_the_batch_on(database_url, sandboxes):
    medicine_url = sandboxes.served["medicine"].url
    async with running(database_url, sandboxes) as (live, worker):
        enrolled = await live.enroll("medicine")
        await drive(live, worker, lambda items: any(e["id"] == enrolled["id"] and e["state"] == "trial_active"
                                                    for e in items))
        made = await live.client.post(f"/api/v1/enrollments/{enrolled['id']}/users", json={"users": NEW[:1]},
                                      headers=live.headers)
        assert made.status_code == 202, made.text
        refused = {"kind": "error", "operation": "account/customers/users/add", "times": 0, "status": 400}

        async def until(state: str) -> dict:
            for _ in range(400):
                await worker.run_once()
                await live.forward_mail()
                [batch] = await batches_of(live, enrolled["id"])
                if batch["state"] == state:
                    return batch
                if batch["state"] == "awaiting_certificates":
                    sandboxes.states["medicine"].clock.advance(86400)
                    await sandboxes.desk.issue_due()
                if batch["state"] == "certificates_issued" and state == "failed":
                    httpx.post(f"{medicine_url}/_control/faults", json=refused)
                await asyncio.sleep(0.02)
            raise AssertionError(f"the batch never became {state}: {batch}")

        failed = await until("failed")
        assert failed["failure"], failed
        httpx.delete(f"{medicine_url}/_control/faults")
        operations = (await live.client.get("/api/v1/operations", params={"limit": 200}, headers=live.headers)).json()
        [step] = [o for o in operations["items"] if o["kind"] == "add_users" and o["status"] == "failed"]
        retried = await live.client.post(f"/api/v1/operations/{step['id']}/retry", headers=live.headers)
        assert retried.status_code == 200, retried.text
        assert (await live.client.get(f"/api/v1/enrollments/{enrolled['id']}", headers=live.headers)).json()["state"] \
            == "trial_active"  # the enrollment was never the one that failed
        added = await until("added")
        assert added["failure"] is None
