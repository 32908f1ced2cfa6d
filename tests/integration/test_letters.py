"""Issue 14: the e-mail requests the manuals prescribe (RULES §5, seed 003), checked before sending, sent
through the outbox to the sandboxes' real SMTP server and read back there — exact recipient, subject and
required content — and tracked (sent, answered, overdue); GET /api/v1/mail lists every e-mail. SQLite and
PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import httpx

from hub.core.clock import ControllableClock
from hub.letters.service import working_days_after

from .live import running
from .test_reconciliation import converted

LETTERS = "/api/v1/mail/letters"


async def letter(live, body: dict, status: int = 201) -> dict:
    answer = await live.client.post(LETTERS, json=body, headers=live.headers)
    assert answer.status_code == status, answer.text
    return answer.json()


async def delivered(live, worker, to: str, subject: str) -> dict:
    """The message as the SMTP server took it, once the worker has sent it."""
    for _ in range(30):
        await worker.run_once()
        found = [m for m in live.sandboxes.desk.received if m["to"] == to and m["subject"] == subject]
        if found:
            [message] = found
            await worker.run_once()  # the worker records the sent e-mail
            return message
    raise AssertionError(f"nothing to {to} with the subject {subject!r}: {live.sandboxes.desk.received}")


async def test_rarus_change_and_payment_order_ra_bill_02_ra_bill_01(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        client = await converted(live, worker, sandboxes)
        customer = client["customer_id"]

        refused = await letter(live, {"kind": "rarus_change", "customer_id": customer}, 422)
        assert refused["errors"][0]["field"] == "fields.new_parameters" and "Новые параметры подписки" in refused["detail"]
        assert refused["errors"][0].get("rule") == "RA-BILL-02" or "RA-BILL-02" in str(refused)
        made = await letter(live, {"kind": "rarus_change", "customer_id": customer,
                                   "fields": {"new_parameters": "3 подключения к 1С:Бухгалтерия вместо 2"}})
        assert made["to"] == "oblako@rarus.ru" and made["rule"] == "RA-BILL-02" and made["state"] == "queued"
        message = await delivered(live, worker, "oblako@rarus.ru", f"Изменение подписки клиента {client['login']}")
        assert f"Логин клиента: {client['login']}" in message["body"]
        assert "Новые параметры подписки: 3 подключения к 1С:Бухгалтерия вместо 2" in message["body"]

        no_file = await letter(live, {"kind": "rarus_payment_order", "customer_id": customer,
                                      "fields": {"payment_order": "п/п 17 от 01.12.2026, 5020,00 ₽"}}, 422)
        assert no_file["errors"][0]["field"] == "attachments" and "скан платежного поручения" in no_file["detail"]
        await letter(live, {"kind": "rarus_payment_order", "customer_id": customer, "attachments": ["пп17.pdf"],
                            "fields": {"payment_order": "п/п 17 от 01.12.2026, 5020,00 ₽"}})
        message = await delivered(live, worker, "ovud@rarus.ru", f"Платежное поручение клиента {client['login']}")
        assert "Платежное поручение (номер, дата, сумма): п/п 17 от 01.12.2026, 5020,00 ₽" in message["body"]
        assert "Вложения: пп17.pdf" in message["body"]


async def test_the_its_number_only_for_a_paying_customer_answered_or_overdue_ra_onb_10(database_url, sandboxes):
    clock = ControllableClock()
    async with running(database_url, sandboxes, clock=clock) as (live, worker):
        unpaid = await converted(live, worker, sandboxes, pay=False)
        refused = await letter(live, {"kind": "rarus_its_number", "customer_id": unpaid["customer_id"]}, 422)
        assert refused["errors"][0]["field"] == "customer_id" and "Активен платный" in refused["detail"]

        paying = await converted(live, worker, sandboxes)
        first = await letter(live, {"kind": "rarus_its_number", "customer_id": paying["customer_id"]})
        assert first["answer_by"] == working_days_after(clock.today(), 3).isoformat()
        await delivered(live, worker, "oblako@rarus.ru", f"Регистрационный номер ИТС для клиента {paying['login']}")
        second = await letter(live, {"kind": "rarus_its_number", "customer_id": paying["customer_id"],
                                     "fields": {"services": "1С:Отчетность"}})
        for _ in range(5):  # the second is sent too
            await worker.run_once()

        answered = await live.client.post(f"{LETTERS}/{first['id']}/answer", json={"answer": "рег. номер 80012345"},
                                          headers=live.headers)
        assert answered.status_code == 200 and answered.json()["state"] == "answered", answered.text
        again = await live.client.post(f"{LETTERS}/{first['id']}/answer", json={"answer": "ещё"}, headers=live.headers)
        assert again.status_code == 409

        clock.set(clock.now() + timedelta(days=10))  # past the 3 working days
        overdue = (await live.client.get("/api/v1/mail", params={"state": "overdue"}, headers=live.headers)).json()
        assert [m["letter_id"] for m in overdue["items"]] == [second["id"]]
        assert overdue["items"][0]["answer_by"] == second["answer_by"] and overdue["items"][0]["rule"] == "RA-ONB-10"
        answered_list = (await live.client.get("/api/v1/mail", params={"state": "answered"}, headers=live.headers)).json()
        assert [m["answer"] for m in answered_list["items"]] == ["рег. номер 80012345"]


async def test_head_office_letters_are_filled_from_the_partner_and_the_card_seed_003(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        await live.client.patch("/api/v1/partner", json={"standing": {"fresh_ru": {"partner_code": "12345"}}},
                                headers=live.headers)
        partner = (await live.client.get("/api/v1/partner", headers=live.headers)).json()
        customer = (await live.client.post("/api/v1/customers", headers=live.headers, json={
            "legal_name": "ООО Лицензия", "country": "RU", "inn": "7707083893", "kpp": "773601001"})).json()

        refused = await letter(live, {"kind": "lic", "customer_id": customer["id"], "fields": {"question": "пин-код"}}, 422)
        assert refused["errors"][0]["field"] == "fields.product"
        assert "Наименование и артикул программного продукта" in refused["detail"]
        assert "Регистрационный номер программного продукта" in refused["detail"]
        fields = {"product": "1С:Бухгалтерия 8 ПРОФ, 4601546041637", "registration_number": "800123456",
                  "question": "Не активируется пин-код"}
        made = await letter(live, {"kind": "lic", "customer_id": customer["id"], "fields": fields})
        message = await delivered(live, worker, "lic@1c.ru", f"Лицензирование: {partner['name']}")
        for expected in (f"Наименование организации партнера: {partner['name']}", "Код партнера: 12345",
                         "Наименование пользователя: ООО Лицензия", "ИНН клиента: 7707083893",
                         "Наименование и артикул программного продукта: 1С:Бухгалтерия 8 ПРОФ, 4601546041637",
                         "Регистрационный номер программного продукта: 800123456", "Вопрос: Не активируется пин-код"):
            assert expected in message["body"], (expected, message["body"])

        no_application = await letter(live, {"kind": "its", "customer_id": customer["id"],
                                             "fields": {"question": "Корректировка договора"}}, 422)
        assert no_application["errors"][0]["field"] == "attachments"
        await letter(live, {"kind": "sales", "customer_id": customer["id"], "attachments": ["заявление.pdf", "о программе.png"],
                            "fields": {"products": "4601546041637 1С:Бухгалтерия 8 ПРОФ (USB)", "owned_products": "нет"}})
        message = await delivered(live, worker, "sales@1c.ru", "Заказ продуктов с USB")
        assert "ИНН/КПП: 7707083893/773601001" in message["body"]

        listed = (await live.client.get("/api/v1/mail", params={"about": "letter"}, headers=live.headers)).json()
        assert {m["to"] for m in listed["items"]} == {"lic@1c.ru", "sales@1c.ru"}
        assert all(m["state"] == "sent" and m["sent_at"] for m in listed["items"])
        one = (await live.client.get(f"{LETTERS}/{made['id']}", headers=live.headers)).json()
        assert one["state"] == "sent" and one["fields"]["partner_code"] == "12345"


async def test_a_legal_entity_change_and_the_its_end_go_to_the_fresh_mailbox_fam_sub_22_fr_sub_17(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        await live.client.patch("/api/v1/partner", json={"standing": {"fresh_ru": {"partner_code": "12345"}}},
                                headers=live.headers)
        customer = (await live.client.post("/api/v1/customers", headers=live.headers, json={
            "legal_name": "ООО Старое", "country": "RU", "inn": "7707083893",
            "accounts": {"fresh_ru_subscriber": 1001}})).json()
        changed = await live.client.patch(f"/api/v1/customers/{customer['id']}", headers=live.headers,
                                          json={"legal_name": "ООО Новое", "inn": "7736207543"})
        assert changed.status_code == 200, changed.text  # FAM-SUB-22: the card first, then the provider checks
        await letter(live, {"kind": "legal_entity_fresh_ru", "customer_id": customer["id"],
                            "fields": {"previous_legal_name": "ООО Старое"}})
        message = await delivered(live, worker, "info@1cfresh.com", "Смена юридического лица абонента 1001")
        for expected in ("Код партнера: 12345", "Номер абонента: 1001", "Новое наименование: ООО Новое", "ИНН: 7736207543",
                         "Прежнее наименование: ООО Старое"):
            assert expected in message["body"], (expected, message["body"])

        refused = await letter(live, {"kind": "fresh_its_end", "customer_id": customer["id"],
                                      "fields": {"subscription": "77", "tariff": "99"}}, 422)
        assert refused["errors"][0]["field"] == "fields.its_end"
        await letter(live, {"kind": "fresh_its_end", "customer_id": customer["id"],
                            "fields": {"subscription": "77", "tariff": "99", "its_end": "31.03.2027"}})
        message = await delivered(live, worker, "info@1cfresh.com", "Окончание переходного тарифа ИТС, абонент 1001")
        assert "Номер подписки: 77" in message["body"] and "Дата окончания договора ИТС: 31.03.2027" in message["body"]


async def test_bad_letters_are_refused_and_change_nothing(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        for body, field in (({"kind": "nobody"}, "kind"),
                            ({"kind": "lic", "fields": {"nonsense": "x"}}, "fields.nonsense"),
                            ({"kind": "lic", "fields": {"question": "a\r\nBcc: x@y.z"}}, "fields.question"),
                            ({"kind": "lic", "customer_id": "no-such"}, None),
                            ({"kind": "lic", "attachments": ["x" * 201]}, "attachments[0]")):
            answer = await live.client.post(LETTERS, json=body, headers=live.headers)
            assert answer.status_code in (400, 404, 422), (body, answer.text)
            if field:
                assert answer.json()["errors"][0]["field"] == field, (body, answer.text)
        kinds = (await live.client.get("/api/v1/mail/kinds", headers=live.headers)).json()
        assert {"rarus_change", "rarus_its_number", "rarus_payment_order", "fresh_its_end", "legal_entity_fresh_ru",
                "lic", "its", "v8", "sales"} <= {k["kind"] for k in kinds}
        lic = next(k for k in kinds if k["kind"] == "lic")
        assert lic["to"] == "lic@1c.ru" and [f["name"] for f in lic["fields"]] == [
            "partner_name", "partner_code", "customer_name", "customer_inn", "product", "registration_number", "question"]
        listed = (await live.client.get("/api/v1/mail", headers=live.headers)).json()
        assert listed["total"] == 0
        bad_state = await live.client.get("/api/v1/mail", params={"state": "lost"}, headers=live.headers)
        assert bad_state.status_code == 422 and bad_state.json()["errors"][0]["field"] == "state"


def test_working_days_skip_weekends_and_holidays():
    assert working_days_after(date(2026, 12, 4), 3) == date(2026, 12, 9)  # Fri → Mon, Tue, Wed
    assert working_days_after(date(2026, 12, 30), 3) >= date(2027, 1, 12)  # the New Year holidays


def test_hub_mail_sends_checks_and_lists_on_the_command_line(tmp_path):
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"}

    def hub(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "hub.cli", *args], env=env, capture_output=True, text=True, timeout=60)

    assert hub("partner", "create", "ООО Командная строка").returncode == 0
    refused = hub("mail", "send", "lic", "--field", "question=пин-код")
    assert refused.returncode == 2 and json.loads(refused.stderr)["errors"][0]["field"] == "fields.partner_code"
    sent = hub("mail", "send", "fran", "--field", "question=Взносы по ДКК")
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["to"] == "fran@1c.ru" and json.loads(sent.stdout)["state"] == "queued"
    listed = json.loads(hub("mail", "list", "--json").stdout)
    assert [(m["to"], m["state"], m["about"]) for m in listed] == [("fran@1c.ru", "queued", "letter")]
    assert "lic@1c.ru" in hub("mail", "kinds").stdout
