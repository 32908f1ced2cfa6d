"""The web pages in a real headless Chromium against `hub up --demo` (issue 13), on SQLite and PostgreSQL:
sign in, a quote ranked on every cloud with its chart, a reconciliation's defect in its category, a
viewer without write buttons, a request without the CSRF token refused, reading without JavaScript, and
the API docs page offline."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import httpx
import pytest
from python_calamine import CalamineWorkbook

from hub.core.russian import untranslated
from pricing import add_months, month_key

from .browser import chromium, new_page, sign_in
from .test_demo_and_cli import CUSTOMER, enroll, hub_up, wait


@pytest.fixture(scope="module")
def demo(demo_env, tmp_path_factory):
    started = hub_up(demo_env, tmp_path_factory.mktemp("browser") / "hub-up.log", "--demo")
    started.env = demo_env
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def browser(demo):
    with chromium() as launched:
        yield launched


def test_sign_in_sets_a_strict_http_only_session_and_signing_out_ends_it(demo, browser, request):
    page = new_page(browser, request, demo.api)
    page.goto("/quote")
    assert "/signin" in page.url  # no session: to Вход first
    page.get_by_label("API-ключ").fill("hub_wrong_key")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_role("alert").inner_text().startswith("Ключ не подошёл")
    sign_in(page, demo.key, "/quote")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "hub_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] > 0
    saved = page.context.cookies()
    page.get_by_role("button", name="Выйти").click()
    page.goto("/quote")
    assert "/signin" in page.url
    replayed = new_page(browser, request, demo.api)  # the cookie copied before signing out opens nothing
    replayed.context.add_cookies(saved)
    replayed.goto("/quote")
    assert "/signin" in replayed.url


def test_a_quote_for_three_accountants_and_a_payroll_user_ranks_every_cloud_with_a_chart(demo, browser, request):
    page = new_page(browser, request, demo.api)
    sign_in(page, demo.key, "/quote")
    page.get_by_label("Пользователей").nth(0).fill("3")
    page.locator("#configurations_0").select_option(["bp"])
    page.get_by_label("Пользователей").nth(1).fill("1")
    page.locator("#configurations_1").select_option(["zup"])
    page.get_by_role("button", name="Рассчитать").click()
    cards = page.locator("#offers article.card")
    cards.first.wait_for()
    assert sorted(cards.evaluate_all("els => els.map(e => e.dataset.provider)")) == \
        ["fresh_kz", "fresh_ru", "medicine", "rarus"]
    titles = page.locator("#offers article h3").all_inner_texts()
    assert [t.split(".")[0] for t in titles] == ["1", "2", "3", "4"]  # ranked
    bars = page.locator("svg.chart rect.bar-price")
    assert bars.count() >= 2 and all(float(w) > 0 for w in bars.evaluate_all("els => els.map(e => e.getAttribute('width'))"))
    assert "₽" in page.locator("#offers").inner_text()
    assert untranslated(page.locator("#offers .grid").inner_text()) == []  # the engines' texts in Russian
    assert '"seat_plan"' in page.locator("#request-json").input_value()  # copy as JSON for the API
    page.emulate_media(media="print")  # the one-page offer for the customer: what was asked, not the partner's figures
    assert "Коммерческое предложение" in page.locator(".print-only").inner_text()
    assert "3 — 1С:Бухгалтерия" in page.locator(".print-only").inner_text()
    assert not page.locator(".partner-only").first.is_visible()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("button", name="Скачать XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = CalamineWorkbook.from_path(download.value.path())  # in Russian, with the lines behind each offer
    offers, lines = book.get_sheet_by_index(0).to_python(), book.get_sheet_by_name("Строки расчёта").to_python()
    assert offers[0][:3] == ["Облако", "Подходит", "Тариф"] and {row[1] for row in offers[1:]} == {"да", "нет"}
    assert len(lines) > 4 and all(untranslated(str(cell)) == [] for row in offers[1:] for cell in row[11:])


def test_the_quote_page_reads_without_javascript(demo, browser, request):
    page = new_page(browser, request, demo.api, java_script_enabled=False)
    sign_in(page, demo.key, "/quote")
    page.get_by_role("button", name="Рассчитать").click()  # a full-page post
    page.wait_for_load_state()
    assert page.locator("#offers article.card").count() == 4


def test_a_request_without_the_csrf_token_is_refused(demo, browser, request):
    page = new_page(browser, request, demo.api)
    sign_in(page, demo.key, "/quote")
    refused = page.request.post("/quote", form={"region": "ru", "months": "12", "users_0": "3", "configurations_0": "bp"})
    assert refused.status == 403
    refused = page.request.post("/reconciliations", multipart={"provider": "fresh_ru", "period": "2026-12"})
    assert refused.status == 403


def test_a_viewer_sees_no_write_buttons(demo, browser, request):
    made = subprocess.run([sys.executable, "-m", "hub.cli", "key", "create", demo.partner_id, "--role", "viewer"],
                          env=demo.env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    viewer = made.stdout.strip().splitlines()[-1]
    page = new_page(browser, request, demo.api)
    sign_in(page, viewer, "/reconciliations")
    assert "просмотр" in page.locator("header").inner_text()
    assert page.locator("form#new-reconciliation").count() == 0
    assert page.get_by_role("button", name="Сверить").count() == 0
    page.goto("/customers")
    assert page.locator("#new-customer").count() == 0 and page.locator("main form[method=post]").count() == 0
    page.goto("/quote")  # pricing is reading: a viewer may quote
    assert page.get_by_role("button", name="Рассчитать").count() == 1


def test_a_reconciliation_shows_a_planted_defect_in_its_category(demo, browser, request):
    with demo.client() as client:
        enrollment = enroll(client, {**CUSTOMER, "legal_name": "ООО Сверка", "email": "sverka@client.ru"},
                            {"provider": "fresh_ru", "users": [{"name": "Бухгалтер", "email": "buh@sverka.ru"}]})
        wait(lambda: client.get(f"/api/v1/enrollments/{enrollment['id']}").json(), lambda e: e["reference"])
        httpx.post(f"{demo.api}/_control/clock", json={"advance_seconds": 120}, timeout=30)
        wait(lambda: client.get(f"/api/v1/enrollments/{enrollment['id']}").json(), lambda e: e["state"] == "trial_active")
        today = datetime.fromisoformat(httpx.get(f"{demo.api}/_control/clock").json()["now"]).date()
        order = {"customer_id": enrollment["customer_id"], "provider": "fresh_ru", "tariff": "102", "months": 12}
        price = client.post("/api/v1/subscriptions", json={**order, "dry_run": True}).json()["customer_price"]
        made = client.post("/api/v1/subscriptions", json={**order, "payment": {
            "amount": price, "paid_on": today.isoformat(), "document": "п/п 3"}})
        assert made.status_code == 201, made.text
        wait(lambda: client.get(f"/api/v1/subscriptions/{made.json()['id']}").json(), lambda s: s["status"] == "active")
    assert httpx.post(f"{demo.sandboxes['fresh_ru']}/_control/statement-defects", json={"duplicate": 1}).status_code == 200
    month = month_key(add_months(today.replace(day=1), 1))

    page = new_page(browser, request, demo.api)
    sign_in(page, demo.key, "/reconciliations")
    page.get_by_label("Облако").select_option("fresh_ru")
    page.get_by_label("Период").fill(month)
    page.get_by_role("button", name="Сверить").click()
    page.wait_for_url("**/reconciliations/*")
    assert page.locator('#summary tr[data-category="duplicate"]').count() == 1
    page.locator('#summary tr[data-category="duplicate"] a').click()
    row = page.locator('#lines tr[data-category="duplicate"]').first
    assert "повторно выставлено" in row.inner_text() and untranslated(row.locator("td").nth(6).inner_text()) == []
    row.get_by_label("Комментарий").fill("дубль счёта")
    row.get_by_role("button", name="Сохранить").click()
    assert "оспорить" in page.locator('#lines tr[data-category="duplicate"]').first.inner_text()


def test_the_api_docs_page_renders_with_no_network(demo, browser, request):
    page = new_page(browser, request, demo.api)
    outside = []

    def only_local(route):
        if route.request.url.startswith(demo.api):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", only_local)
    page.goto("/schema/swagger")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Reseller hub" in page.locator(".swagger-ui .info .title").inner_text()
    assert outside == []




def test_a_customer_created_and_enrolled_on_fresh_ru_is_seen_on_its_trial_after_the_clock_moves(demo, browser, request):
    page = new_page(browser, request, demo.api)
    sign_in(page, demo.key, "/customers/new")
    page.get_by_label("Название организации").fill("ООО Браузер")
    page.get_by_label("ИНН").fill("7707083893")
    page.get_by_label("КПП").fill("773601001")
    page.get_by_label("E-mail").fill("browser@client.ru")
    page.get_by_label("Телефон").fill("+74950000000")
    page.get_by_label("Новый клиент 1С?").select_option("yes")
    page.get_by_role("button", name="Добавить клиента").click()
    page.wait_for_url("**/customers/*")
    customer = page.locator("#customer").get_attribute("data-customer")
    page.locator("#enroll-provider").select_option("fresh_ru")
    page.locator("#user_name_0").fill("Иван Браузеров")
    page.locator("#user_email_0").fill("ivan@browser.ru")
    page.get_by_role("button", name="Подключить").click()
    enrollment = page.locator('article[data-provider="fresh_ru"]')
    enrollment.wait_for()  # back on the card, the enrollment on it
    assert enrollment.get_attribute("data-state") != "trial_active"
    with demo.client() as client:  # the hub has asked the sandbox for the invitation
        wait(lambda: client.get("/api/v1/enrollments", params={"customer_id": customer}).json()["items"][0],
             lambda e: e["reference"])
    assert httpx.post(f"{demo.api}/_control/clock", json={"advance_seconds": 120}, timeout=30).status_code == 200

    def state() -> str:
        page.reload()
        return page.locator('article[data-provider="fresh_ru"]').get_attribute("data-state")

    assert wait(state, lambda s: s in ("trial_active", "failed")) == "trial_active"
    steps = page.locator('article[data-provider="fresh_ru"] table').first.inner_text()
    assert "окончания пробного периода" in steps and untranslated(steps) == []  # what it waits for, in Russian


def test_a_refused_quote_shows_its_reason_in_place_and_a_stale_page_goes_to_sign_in(demo, browser, request):
    page = new_page(browser, request, demo.api)
    sign_in(page, demo.key, "/quote")
    page.locator("#users_0").fill("0")
    page.get_by_role("button", name="Рассчитать").click()
    alert = page.locator("#offers [role=alert]")
    alert.wait_for()
    assert "не меньше 1" in alert.inner_text() and "Пользователи, строка 1" in alert.inner_text()
    kept = [c for c in page.context.cookies() if c["name"] != "hub_session"]
    page.context.clear_cookies()  # the session is gone (signed out in another tab); the CSRF cookie stays
    page.context.add_cookies(kept)
    page.locator("#users_0").fill("3")
    page.get_by_role("button", name="Рассчитать").click()
    page.wait_for_url("**/signin?next=/quote")


def test_on_a_phone_the_pages_reflow_without_sideways_scrolling(demo, browser, request):
    """390 px wide: the listings' rows become cards, each cell labelled with its column's heading."""
    page = new_page(browser, request, demo.api, viewport={"width": 390, "height": 844})
    sign_in(page, demo.key, "/quote")
    page.get_by_role("button", name="Рассчитать").click()
    page.locator("#offers article.card").first.wait_for()
    with demo.client() as client:
        made = client.post("/api/v1/customers", json={**CUSTOMER, "legal_name": "ООО Телефон"})
        assert made.status_code == 201
    for path in ("/quote", "/", "/customers", "/customers/new", f"/customers/{made.json()['id']}", "/reconciliations"):
        if path != "/quote":
            page.goto(path)
        wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, (path, wide)
    page.goto("/customers")
    labelled = page.locator("td[data-label]")
    assert labelled.count() > 0 and labelled.first.evaluate("e => getComputedStyle(e, '::before').content") != "none"
