"""The Клиенты and Обзор pages (issue 13) on both backends: signing in with a key, the list and search,
creating and editing a customer (refusals shown on the form), the card with what blocks a paid subscription,
enrolling, ordering with a preview first, the dashboard; a viewer sees no write forms and may not post;
a form without its CSRF token is refused; another partner's customer is a 404."""
from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from hub.app import create_app
from hub.core.clock import FixedClock
from hub.core.db import Database, Enrollment, Operation
from hub.core.settings import Settings
from hub.partners import service as partners
from tests.conftest import TODAY, make_tenant

from .live import STANDING

STANDING_WITH_DESK = {**STANDING, "fresh_ru": {"csk": True, "service_desk_since": "2026-01-01"}}
ROMASHKA = {"legal_name": "ООО Ромашка", "country": "RU", "inn": "7707083893", "email": "buh@romashka.ru"}


def token_of(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def sign_in(client: AsyncTestClient, key: str) -> str:
    """Sign in as the key through Вход; returns the CSRF token the forms carry."""
    client.cookies.clear()
    form = await client.get("/signin")
    token = token_of(form.text)
    answer = await client.post("/signin", data={"key": key, "next": "/", "_csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return token_of((await client.get("/customers")).text)


async def viewer_key(url: str, partner_id: str) -> str:
    db = Database(url)
    try:
        async with db.sessions() as session:
            _, key = await partners.create_key(session, partner_id, "viewer")
            await session.commit()
    finally:
        await db.dispose()
    return key


@pytest.fixture
async def web(database_url, tmp_path):
    a = await make_tenant(database_url, "ООО Альфа")
    b = await make_tenant(database_url, "ООО Бета")
    viewer = await viewer_key(database_url, a.partner_id)
    settings = Settings(database_url=database_url, data_dir=tmp_path, worker_in_process=False,
                        rate_limit_per_minute=1_000_000)
    async with AsyncTestClient(create_app(settings, clock=FixedClock(TODAY))) as client:
        assert (await client.patch("/api/v1/partner", json={"standing": STANDING_WITH_DESK},
                                   headers=a.headers)).status_code == 200
        token = await sign_in(client, a.key)

        async def post(path: str, data: dict) -> object:
            return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)

        async def api_customer(body: dict, tenant=a) -> str:
            made = await client.post("/api/v1/customers", json=body, headers=tenant.headers)
            assert made.status_code == 201, made.text
            return made.json()["id"]

        yield SimpleNamespace(client=client, a=a, b=b, viewer=viewer, url=database_url, post=post,
                              api_customer=api_customer)


def missing_for(html: str, provider: str) -> str:
    found = re.search(rf'data-provider="{provider}" data-missing="([^"]*)"', html)
    assert found, f"no card_missing row for {provider}"
    return found.group(1)


async def test_create_refuse_card_and_edit(web):
    new = await web.client.get("/customers/new")
    assert new.status_code == 200 and '<label for="legal_name">' in new.text and '<label for="inn">ИНН</label>' in new.text

    refused = await web.post("/customers", {**ROMASHKA, "inn": "7707083890"})  # a wrong check digit
    assert refused.status_code == 422
    assert 'id="form-error" data-field="inn"' in refused.text
    assert 'value="ООО Ромашка"' in refused.text and 'value="7707083890"' in refused.text  # what was typed stays
    assert re.search(r'id="inn" name="inn"[^>]*aria-invalid="true"', refused.text)
    assert (await web.client.get("/api/v1/customers", headers=web.a.headers)).json()["total"] == 0

    made = await web.post("/customers", {**ROMASHKA, "kpp": "", "new_to_1c": "", "its_with_us": "on"})
    assert made.status_code == 303, made.text
    customer_id = made.headers["location"].rsplit("/", 1)[-1]
    card = await web.client.get(made.headers["location"])
    assert card.status_code == 200 and f'data-customer="{customer_id}"' in card.text and "ООО Ромашка" in card.text
    assert missing_for(card.text, "fresh_ru") == "new_to_1c"
    assert missing_for(card.text, "medicine") == "kpp phone"
    assert missing_for(card.text, "fresh_kz") == "country bin_iin"
    assert missing_for(card.text, "rarus") == ""
    assert 'id="enrollments"' in card.text and 'id="subscriptions"' in card.text and 'id="events"' in card.text

    form = await web.client.get(f"/customers/{customer_id}/edit")
    assert form.status_code == 200 and 'value="buh@romashka.ru"' in form.text
    assert f'action="/customers/{customer_id}/edit"' in form.text and "Изменить клиента" in form.text
    bad = await web.post(f"/customers/{customer_id}/edit", {**ROMASHKA, "email": "not-an-address"})
    assert bad.status_code == 422 and 'data-field="email"' in bad.text and 'value="not-an-address"' in bad.text
    edited = await web.post(f"/customers/{customer_id}/edit", {**ROMASHKA, "kpp": "773601001", "phone": "+74950000000",
                                                               "new_to_1c": "yes", "account_fresh_ru_subscriber": "1001"})
    assert edited.status_code == 303 and edited.headers["location"] == f"/customers/{customer_id}"
    card = (await web.client.get(f"/customers/{customer_id}")).text
    assert missing_for(card, "fresh_ru") == "" and missing_for(card, "medicine") == ""
    assert 'data-account="fresh_ru_subscriber">1001<' in card
    stored = (await web.client.get(f"/api/v1/customers/{customer_id}", headers=web.a.headers)).json()
    assert stored["new_to_1c"] is True and stored["version"] == 2 and stored["accounts"]["fresh_ru_subscriber"] == 1001


async def test_list_search_provider_filter_and_paging(web):
    romashka = await web.api_customer(ROMASHKA)
    alma = await web.api_customer({"legal_name": "ТОО Алма", "country": "KZ", "bin_iin": "971240001315"})
    listed = await web.client.get("/customers")
    assert listed.status_code == 200 and 'data-total="2"' in listed.text and 'id="new-customer"' in listed.text
    found = await web.client.get("/customers", params={"q": "ромаш"})
    assert f'data-customer="{romashka}"' in found.text and f'data-customer="{alma}"' not in found.text
    kz = await web.client.get("/customers", params={"provider": "fresh_kz"})
    assert f'data-customer="{alma}"' in kz.text and f'data-customer="{romashka}"' not in kz.text
    partial = await web.client.get("/customers", params={"q": "алма"}, headers={"hx-request": "true"})
    assert partial.text.lstrip().startswith('<section id="customers"') and f'data-customer="{alma}"' in partial.text
    nothing = await web.client.get("/customers", params={"q": "нет такого"})
    assert 'data-total="0"' in nothing.text and "<p>нет</p>" in nothing.text

    for n in range(25):
        await web.api_customer({"legal_name": f"ООО Клиент {n:02d}", "country": "RU"})
    first = await web.client.get("/customers")
    assert 'data-total="27"' in first.text and first.text.count("<tr data-customer=") == 25 and 'id="page-next"' in first.text
    second = await web.client.get("/customers", params={"offset": 25})
    assert second.text.count("<tr data-customer=") == 2 and 'id="page-prev"' in second.text
    assert 'id="page-next"' not in second.text


async def test_enroll_then_the_dashboard_shows_it(web):
    empty = await web.client.get("/")
    assert empty.status_code == 200
    for section in ("enrollments", "operations", "trials", "renewals", "notices", "discrepancies", "health"):
        assert f'<section id="{section}"' in empty.text
    assert empty.text.count("<p>нет</p>") >= 6

    customer_id = await web.api_customer({**ROMASHKA, "kpp": "773601001", "new_to_1c": True})
    no_users = await web.post(f"/customers/{customer_id}/enrollments", {"provider": "fresh_ru", "timezone": "Europe/Moscow"})
    assert no_users.status_code == 422 and 'id="enroll-error" data-field="users"' in no_users.text
    enrolled = await web.post(f"/customers/{customer_id}/enrollments", {
        "provider": "fresh_ru", "timezone": "Europe/Moscow", "user_name_0": "Иван Петров", "user_email_0": "ivan@romashka.ru",
        "user_phone_0": "", "user_name_1": "", "user_email_1": ""})
    assert enrolled.status_code == 303 and enrolled.headers["location"].startswith(f"/customers/{customer_id}")
    card = (await web.client.get(f"/customers/{customer_id}")).text
    enrollment = re.search(r'data-enrollment="([^"]+)" data-provider="fresh_ru" data-state="requested"', card)
    assert enrollment, card
    assert 'data-step="invite" data-status="in_progress"' in card and 'data-event="enrollment_requested"' in card

    again = await web.post(f"/customers/{customer_id}/enrollments", {
        "provider": "fresh_ru", "user_name_0": "Иван Петров", "user_email_0": "ivan@romashka.ru"})
    assert again.status_code == 422 and 'data-field="provider"' in again.text and 'value="Иван Петров"' in again.text

    db = Database(web.url)  # the step failing at the provider, as the worker would record it
    try:
        async with db.sessions() as session:
            operation = await session.scalar(select(Operation).where(Operation.enrollment_id == enrollment.group(1)))
            operation.status, operation.attempts, operation.last_error = "failed", 3, "the provider answered 500"
            await session.commit()
        board = (await web.client.get("/")).text
        assert f'data-operation="{operation.id}" data-status="failed"' in board and "the provider answered 500" in board
        assert 'data-state-group="requested"' in board
        assert f'data-enrollment="{enrollment.group(1)}" data-state="requested"' in board
        async with db.sessions() as session:  # and, later, on a trial that ends in three days
            row = await session.get(Enrollment, enrollment.group(1))
            row.state, row.trial_end, row.account = "trial_active", date(2026, 11, 25), "1001"
            await session.commit()
    finally:
        await db.dispose()

    board = (await web.client.get("/")).text
    assert 'data-state-group="trial_active"' in board and 'data-state-group="requested"' not in board
    assert f'data-enrollment="{enrollment.group(1)}" data-state="trial_active"' in board
    assert f'<a href="/customers/{customer_id}">ООО Ромашка</a>' in board
    trials = board.split('<section id="trials"')[1].split("</section>")[0]
    assert f'data-enrollment="{enrollment.group(1)}"' in trials and "25.11.2026" in trials
    assert 'data-provider="fresh_ru" data-circuit="closed"' in board


async def test_order_with_a_preview_first(web):
    customer_id = await web.api_customer({**ROMASHKA, "kpp": "773601001", "phone": "+74950000000", "new_to_1c": True})
    card = (await web.client.get(f"/customers/{customer_id}")).text
    assert 'id="order-form"' in card and '<label for="order-tariff">' in card
    unenrolled = await web.post(f"/customers/{customer_id}/subscriptions/preview",
                                {"provider": "fresh_ru", "tariff": "102", "months": "12"})
    assert unenrolled.status_code == 422 and 'id="order-error" data-field="customer_id"' in unenrolled.text

    await web.post(f"/customers/{customer_id}/edit", {**ROMASHKA, "kpp": "773601001", "phone": "+74950000000",
                                                     "new_to_1c": "yes", "account_fresh_ru_subscriber": "1001"})
    order = {"provider": "fresh_ru", "kind": "main", "tariff": "102", "months": "12", "quantity": "1"}
    preview = await web.post(f"/customers/{customer_id}/subscriptions/preview", order)
    assert preview.status_code == 200, preview.text
    assert 'data-retail="38652.00"' in preview.text and "38\u00a0652,00\u00a0₽" in preview.text and 'id="confirm-form"' in preview.text
    assert 'value="102"' in preview.text and '<label for="payment-amount">' in preview.text
    listed = await web.client.get("/api/v1/subscriptions", headers=web.a.headers)
    assert listed.json()["total"] == 0  # a preview orders nothing

    unpaid = await web.post(f"/customers/{customer_id}/subscriptions", {**order, "payment_amount": "3221",
                                                                       "payment_paid_on": "2026-11-20"})
    assert unpaid.status_code == 422 and "FAM-SUB-01" in unpaid.text and 'value="3221"' in unpaid.text
    made = await web.post(f"/customers/{customer_id}/subscriptions", {
        **order, "payment_amount": "38 652,00", "payment_paid_on": "2026-11-20", "payment_document": "п/п 1"})
    assert made.status_code == 303, made.text
    card = (await web.client.get(f"/customers/{customer_id}")).text
    subscription = (await web.client.get("/api/v1/subscriptions", headers=web.a.headers)).json()["items"][0]
    assert f'data-subscription="{subscription["id"]}" data-status="requested"' in card and "38\u00a0652,00\u00a0₽" in card


async def test_a_viewer_sees_no_write_forms_and_may_not_post(web):
    customer_id = await web.api_customer(ROMASHKA)
    token = await sign_in(web.client, web.viewer)
    listed = await web.client.get("/customers")
    assert listed.status_code == 200 and "роль: просмотр" in listed.text
    assert 'id="new-customer"' not in listed.text
    card = await web.client.get(f"/customers/{customer_id}")
    assert card.status_code == 200 and "ООО Ромашка" in card.text
    for form in ('id="edit-customer"', 'id="enroll-form"', 'id="order-form"', f'action="/customers/{customer_id}'):
        assert form not in card.text
    assert card.text.count('method="post"') == 1  # signing out only
    refused = await web.client.get("/customers/new")
    assert refused.status_code == 403 and "нужна роль «оператор»" in refused.text
    assert 'aria-label="Разделы"' in refused.text and "роль: просмотр" in refused.text  # signed in: the menu stays
    assert (await web.client.get(f"/customers/{customer_id}/edit")).status_code == 403
    for path, data in (("/customers", ROMASHKA), (f"/customers/{customer_id}/edit", ROMASHKA),
                       (f"/customers/{customer_id}/enrollments", {"provider": "fresh_ru", "user_name_0": "И",
                                                                 "user_email_0": "i@x.ru"}),
                       (f"/customers/{customer_id}/subscriptions/preview", {"provider": "fresh_ru"}),
                       (f"/customers/{customer_id}/subscriptions", {"provider": "fresh_ru"})):
        answer = await web.client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 403, (path, answer.text)
    assert (await web.client.get("/api/v1/customers", headers=web.a.headers)).json()["total"] == 1


async def test_a_form_without_its_csrf_token_is_refused(web):
    answer = await web.client.post("/customers", data=ROMASHKA, follow_redirects=False)
    assert answer.status_code == 403
    forged = await web.client.post("/customers", data={**ROMASHKA, "_csrf_token": "0" * 128}, follow_redirects=False)
    assert forged.status_code == 403
    assert (await web.client.get("/api/v1/customers", headers=web.a.headers)).json()["total"] == 0


async def test_another_partners_customer_is_a_404(web):
    theirs = await web.api_customer({"legal_name": "ООО Чужой", "country": "RU", "inn": "7707083893"}, tenant=web.b)
    for path in (f"/customers/{theirs}", f"/customers/{theirs}/edit", "/customers/no-such-id"):
        answer = await web.client.get(path)
        assert answer.status_code == 404 and 'id="not-found"' in answer.text and "ООО Чужой" not in answer.text
    for path, data in ((f"/customers/{theirs}/edit", {**ROMASHKA}),
                       (f"/customers/{theirs}/enrollments", {"provider": "fresh_ru", "user_name_0": "И",
                                                             "user_email_0": "i@x.ru"}),
                       (f"/customers/{theirs}/subscriptions/preview", {"provider": "fresh_ru", "tariff": "102"}),
                       (f"/customers/{theirs}/subscriptions", {"provider": "fresh_ru", "tariff": "102"})):
        answer = await web.post(path, data)
        assert answer.status_code == 404 and "ООО Чужой" not in answer.text, (path, answer.text)
    nowhere = await web.client.get("/no-such-page")
    assert nowhere.status_code == 404 and "такой страницы нет" in nowhere.text and "Not Found" not in nowhere.text
    listed = await web.client.get("/customers")
    assert theirs not in listed.text
    mine = (await web.client.get(f"/api/v1/customers/{theirs}", headers=web.b.headers)).json()
    assert mine["legal_name"] == "ООО Чужой" and mine["version"] == 1  # nothing changed


async def test_the_card_form_carries_the_its_contract_facts(web):
    """Issue 14: the ITS contract's start date and «Комплект поддержки» (FR-SUB-17, FK-SUB-17) on the form."""
    made = await web.post("/customers", {**ROMASHKA, "its_level": "ТЕХНО", "its_payment": "prepaid",
                                         "its_start_date": "2026-04-01", "its_end_date": "2027-03-31",
                                         "its_support_kit": "on", "its_with_us": "on"})
    assert made.status_code == 303, made.text
    customer_id = made.headers["location"].rsplit("/", 1)[-1]
    stored = (await web.client.get(f"/api/v1/customers/{customer_id}", headers=web.a.headers)).json()["its"]
    assert (stored["start_date"], stored["end_date"], stored["support_kit"]) == ("2026-04-01", "2027-03-31", True)
    card = (await web.client.get(f"/customers/{customer_id}")).text
    assert "«Комплект поддержки», с 01.04.2026, до 31.03.2027" in card
    form = (await web.client.get(f"/customers/{customer_id}/edit")).text
    assert re.search(r'name="its_support_kit" checked', form) and 'value="2026-04-01"' in form
    bad = await web.post(f"/customers/{customer_id}/edit", {**ROMASHKA, "its_level": "ПРОФ",
                                                            "its_start_date": "2027-04-01", "its_end_date": "2027-03-31"})
    assert bad.status_code == 422 and "договор ИТС кончается раньше, чем начинается" in bad.text
