"""Stored values cannot become formulas in exports or lines in e-mails (issue 9 §0), on both backends."""
from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from hub.core.caller import Caller
from hub.core.db import Customer, Database, Operation
from hub.core import mailbox
from tests.conftest import make_tenant

from .live import STANDING, customer_for, enrollment_for, open_live, worker_for

HYPERLINK = '=HYPERLINK("http://x","y")'
EVIL = "evil@x.ru"
PAID = {"amount": "1000000", "paid_on": "2026-11-20"}


def test_fam_sub_14_weekly_digest_exports_are_typed_and_inert(api):
    """A customer named like a formula is a string cell in XLSX and a quoted field in CSV; amounts and
    dates stay typed; the answers are attachments with one content type."""
    client, a, _, _ = api
    standing = {**STANDING, "fresh_ru": {"csk": True, "service_desk_since": "2026-01-01"}}
    assert client.patch("/api/v1/partner", json={"standing": standing}, headers=a.headers).status_code == 200
    customer = client.post("/api/v1/customers", headers=a.headers, json={
        "legal_name": HYPERLINK, "country": "RU", "inn": "7707083893", "kpp": "773601001", "phone": "+74950000000",
        "email": "buh@romashka.ru", "new_to_1c": True, "accounts": {"fresh_ru_subscriber": 1001}})
    assert customer.status_code == 201, customer.text
    made = client.post("/api/v1/subscriptions", headers=a.headers, json={
        "customer_id": customer.json()["id"], "provider": "fresh_ru", "tariff": "102", "months": 12, "payment": PAID})
    assert made.status_code == 201, made.text
    row = made.json()
    end = date.fromisoformat(row["end"])
    year, number, _ = (end - timedelta(days=end.weekday())).isocalendar()
    week = f"{year}-w{number}"  # spelt loosely: the answer names the ISO week

    def get(fmt: str):
        response = client.get("/api/v1/reports/weekly", params={"week": week, "format": fmt}, headers=a.headers)
        assert response.status_code == 200, response.text
        return response

    answer = get("csv")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == f'attachment; filename="weekly-digest-{year}-W{number:02d}.csv"'
    [line] = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert line["customer"] == "'" + HYPERLINK and line["subscription"] == row["id"]
    assert line["retail"] == row["retail"] and line["partner_cost"] == row["partner_cost"] and line["end"] == row["end"]

    answer = get("xlsx")
    assert answer.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert answer.headers["content-disposition"] == f'attachment; filename="weekly-digest-{year}-W{number:02d}.xlsx"'
    sheet = load_workbook(io.BytesIO(answer.content)).active
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2]))
    assert cells["customer"].data_type == "s" and cells["customer"].value == HYPERLINK  # text, not a formula
    for amount in ("retail", "partner_cost"):
        assert cells[amount].data_type == "n" and f"{cells[amount].value:.2f}" == row[amount]
    for day in ("start", "end", "created_on"):
        assert cells[day].is_date, day
    assert cells["end"].value.date() == end and cells["start"].value.date() == date.fromisoformat(row["start"])


def test_rules_5_provider_mail_folds_every_value_into_its_line(database_url):
    """RULES §5 requests to a provider's mailbox: a stored value with line breaks stays on its own line."""
    async def run():
        tenant = await make_tenant(database_url, "ООО Франчайзи\r\nКод партнера: 9999")
        db = Database(database_url)
        try:
            async with db.sessions() as session:
                caller = Caller(tenant.partner_id, None, "admin")
                operation = await mailbox.ask_provider(
                    session, caller, "fresh_ru", about="transfer", about_id="t1", subscriber="1001\nНомер абонента: 7",
                    subject="Досрочный перевод\r\nBcc: evil@x.ru", lines=["Абонент: ООО Х\u2028Номер абонента: 7"],
                    label="transfer-t1")
                await session.commit()
                operation_id = operation.id
            async with db.sessions() as session:
                return (await session.get(Operation, operation_id)).payload
        finally:
            await db.dispose()

    payload = asyncio.run(run())
    assert payload["body"].splitlines() == ["Партнер: ООО Франчайзи Код партнера: 9999", "Код партнера: —",
                                            "Номер абонента: 1001 Номер абонента: 7",
                                            "Абонент: ООО Х Номер абонента: 7"]
    assert payload["subject"] == "Досрочный перевод Bcc: evil@x.ru"


async def test_med_onb_02_a_stored_name_with_a_line_break_sends_no_certificate_request(database_url, sandboxes):
    """The medicine desk gets the clean customer's request with its real user and nothing from the customer
    whose stored legal name breaks out of its line; that operation is rejected, not retried."""
    live = await open_live(database_url, sandboxes)
    worker, db, adapters = worker_for(live.settings)
    try:
        enrolled = {}
        for n, name in ((1, None), (2, f"ГБУЗ Больница\nПользователи:\n1. Злоумышленник; {EVIL}; +70000000000")):
            customer = await live.client.post("/api/v1/customers", json=customer_for("medicine", n), headers=live.headers)
            assert customer.status_code == 201, customer.text
            if name:  # as if stored before names were checked at the API
                async with db.sessions() as session:
                    (await session.get(Customer, customer.json()["id"])).legal_name = name
                    await session.commit()
            enrollment = await live.client.post(f"/api/v1/customers/{customer.json()['id']}/enrollments",
                                                json=enrollment_for("medicine", n), headers=live.headers)
            assert enrollment.status_code == 201, enrollment.text
            enrolled[n] = enrollment.json()["id"]
        for _ in range(50):
            await worker.run_once()
            async with db.sessions() as session:
                certificates = list(await session.scalars(select(Operation).where(Operation.kind == "request_certificates")))
            if all(o.status not in ("pending", "running") for o in certificates) and len(sandboxes.desk.requests) >= 1:
                break
            await asyncio.sleep(0.05)
        by_enrollment = {o.enrollment_id: o for o in certificates}
        assert by_enrollment[enrolled[1]].status == "succeeded", by_enrollment[enrolled[1]].last_error
        bad = by_enrollment[enrolled[2]]
        assert bad.status == "failed" and bad.attempts == 1, (bad.status, bad.last_error)
        assert bad.last_error.startswith("UnsafeMailValue: customer_name contains a line break"), bad.last_error
        [request] = sandboxes.desk.requests
        assert [u["email"] for u in request.users] == ["user1@medicine.example.ru"]
        assert sandboxes.desk.rejections == [] and not sandboxes.desk.is_issued(EVIL, request.issue_at)
    finally:
        await adapters.close()
        await db.dispose()
        await live.client.__aexit__(None, None, None)
