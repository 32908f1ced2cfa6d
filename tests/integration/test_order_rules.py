"""Ordering rules of issue 10 through the API, on SQLite and PostgreSQL: when a subscription may start and
what it warns about, what a renewal is, the payment's date, an outgoing transfer's end, the Rarus limits,
the what-if standing, and departed customers in the notices and renewals."""
from __future__ import annotations

import asyncio
from datetime import date

import httpx
import pytest

from hub.core.db import Database
from hub.reports.service import queue_notices

from .live import STANDING, running
from .test_subscriptions_e2e import on_trial, order

RU = {"legal_name": "ООО Ромашка", "country": "RU", "inn": "7707083893", "kpp": "773601001", "phone": "+74950000000",
      "email": "buh@romashka.ru", "new_to_1c": True, "accounts": {"fresh_ru_subscriber": 1001, "medicine_subscriber": 2001}}
KZ = {"legal_name": "ТОО Береке", "country": "KZ", "bin_iin": "971240001315", "email": "kz@bereke.kz",
      "its": {"level": "ПРОФ", "with_us": True, "start_date": "2026-06-01"}, "accounts": {"fresh_kz_subscriber": 3001}}
PAID = {"amount": "1000000", "paid_on": "2026-11-20"}  # the suite's day is 2026-11-22


@pytest.fixture
def desk(api):
    """A partner with its standing and a fresh_ru customer; ``order(**body)`` posts a subscription for it."""
    client, a, b, url = api
    assert client.patch("/api/v1/partner", json={"standing": STANDING}, headers=a.headers).status_code == 200

    def customer(card: dict = RU) -> str:
        made = client.post("/api/v1/customers", json=card, headers=a.headers)
        assert made.status_code == 201, made.text
        return made.json()["id"]

    first = customer()

    def post(customer_id: str = first, provider: str = "fresh_ru", **body):
        return client.post("/api/v1/subscriptions", json={"customer_id": customer_id, "provider": provider, **body},
                           headers=a.headers)

    return client, a, url, customer, first, post


def refused(response, rule: str, field: str) -> None:
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["rule"] == rule and [e["field"] for e in problem["errors"]] == [field], problem


def operations(client, headers) -> int:
    return client.get("/api/v1/operations", headers=headers).json()["total"]


# --- when a subscription may start (FAM-SUB-02, FK-SUB-17) and what it warns about (FAM-SUB-08) ------------


def test_fam_sub_02_a_main_subscription_does_not_start_before_the_day_of_ordering(desk):
    client, a, _, _, _, post = desk
    refused(post(tariff="102", months=12, start="2020-01-01", payment=PAID), "FAM-SUB-02", "start")
    refused(post(tariff="102", months=12, start="2026-11-21", dry_run=True), "FAM-SUB-02", "start")
    assert client.get("/api/v1/subscriptions", headers=a.headers).json()["total"] == 0 and operations(client, a.headers) == 0
    today = post(tariff="102", months=12, start="2026-11-22", payment=PAID)
    later = post(tariff="102", months=12, start="2027-11-22", payment=PAID)
    assert today.status_code == later.status_code == 201, (today.text, later.text)


def test_fk_sub_17_the_kazakh_its_tariff_may_start_with_the_its_contract(desk):
    """The catalog lets the fresh_kz ITS transition tariff start on the ITS contract's start, before the day
    of ordering (FK-SUB-17); another start is refused."""
    _, _, _, customer, _, post = desk
    kz = customer(KZ)
    its = "ITSaaS РАСШИРЕННЫЙ для ИТС Каз.ПРОФ"
    started = post(kz, "fresh_kz", tariff=its, months=11, start="2026-06-01", payment=PAID)
    assert started.status_code == 201, started.text
    assert (started.json()["start"], started.json()["end"]) == ("2026-06-01", "2027-04-30")
    refused(post(kz, "fresh_kz", tariff=its, months=3, start="2026-01-10", dry_run=True), "FK-SUB-17", "start")
    refused(post(kz, "fresh_kz", tariff="ITSaaS РАСШИРЕННЫЙ", months=12, start="2026-06-01", dry_run=True),
            "FAM-SUB-02", "start")


def test_fam_sub_08_a_main_over_a_live_main_is_warned_about(desk):
    _, _, _, _, _, post = desk
    main = post(tariff="102", months=12, payment=PAID).json()
    assert main["warnings"] == []
    overlapping = post(tariff="102", months=12, start="2027-01-10", payment=PAID)
    assert overlapping.status_code == 201, overlapping.text
    [warning] = overlapping.json()["warnings"]
    assert main["id"] in warning and "overlaps" in warning and "FAM-SUB-08" in warning
    preview = post(kind="renewal", renews_id=overlapping.json()["id"], dry_run=True).json()
    assert preview["start"] == "2028-01-10" and preview["warnings"] == []  # the day after the end: no overlap


# --- renewals: a new subscription made the standard way (FAM-SUB-08, FAM-SUB-10) -----------------------------


def test_fam_sub_08_a_renewal_takes_the_tariff_it_asks_for(desk):
    _, _, _, _, _, post = desk
    basic = post(tariff="Базовый", months=1, payment=PAID).json()  # 2026-11-22 … 2026-12-21
    higher = post(kind="renewal", tariff="102", dry_run=True)
    assert higher.status_code == 200, higher.text
    body = higher.json()
    assert (body["tariff"], body["tariff_code"], body["start"]) == ("ПРОФ", "102", "2026-12-22")
    assert body["months_charged"] == 1 and body["pricing_kind"] == "first_renewal"  # the copy's months, of ПРОФ
    same = post(kind="renewal", renews_id=basic["id"], dry_run=True).json()
    assert (same["tariff"], same["months_charged"]) == ("Базовый", 1)  # no tariff named: a copy


def test_fam_sub_10_a_renewal_to_a_lower_tariff_while_the_higher_runs_is_refused(desk):
    """«Оформить новую подписку на меньший тариф можно по истечении основной»: not while it runs, even to
    start after it."""
    client, a, _, _, _, post = desk
    post(tariff="102", months=1, payment=PAID)
    refused(post(kind="renewal", tariff="Базовый", dry_run=True), "FAM-SUB-10", "tariff")
    refused(post(kind="renewal", tariff="Базовый", payment=PAID), "FAM-SUB-10", "tariff")
    assert operations(client, a.headers) == 1
    assert post(kind="renewal", dry_run=True).json()["tariff"] == "ПРОФ"


def test_fam_sub_08_a_renewal_renews_this_customers_subscription_here(desk):
    _, _, _, customer, first, post = desk
    theirs = post(customer(), tariff="102", months=12, payment=PAID).json()
    response = post(first, kind="renewal", renews_id=theirs["id"], dry_run=True)  # another customer's
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "renews_id", response.text


# --- the payment (FAM-SUB-01) --------------------------------------------------------------------------------


def test_fam_sub_01_a_payment_dated_after_the_day_of_ordering_is_refused(desk):
    client, a, _, _, _, post = desk
    tomorrow = {"amount": "38652", "paid_on": "2026-11-23"}
    refused(post(tariff="102", months=12, payment=tomorrow), "FAM-SUB-01", "payment.paid_on")
    refused(post(tariff="102", months=12, payment=tomorrow, dry_run=True), "FAM-SUB-01", "payment.paid_on")
    assert operations(client, a.headers) == 0
    made = post(tariff="102", months=12, payment={"amount": "38652", "paid_on": "2026-11-22"})
    assert made.status_code == 201, made.text


# --- an outgoing transfer counts from the hub's own end (FR-SUB-16) -------------------------------------------


def test_fr_sub_16_an_outgoing_transfer_counts_from_the_hubs_end_not_the_callers(desk):
    client, a, _, _, first, post = desk
    main = post(tariff="102", months=12, payment=PAID).json()  # ends 2027-11-21: 364 days left

    def transfer(**body):
        return client.post("/api/v1/transfers", headers=a.headers, json={
            "customer_id": first, "provider": "fresh_ru", "direction": "outgoing", "other_partner": "ООО Соседи", **body})

    contradicting = transfer(subscription_end="2026-12-10")  # would put it inside the 30-day window
    refused(contradicting, "FR-SUB-16", "subscription_end")
    assert main["end"] in contradicting.json()["detail"]
    refused(transfer(), "FR-SUB-16", "early")  # the hub's end: outside the window
    refused(transfer(subscription_end=main["end"]), "FR-SUB-16", "early")  # the same end, said again
    assert client.get("/api/v1/transfers", headers=a.headers).json() == []
    early = transfer(early=True)
    assert early.status_code == 201 and early.json()["subscription_end"] == main["end"]


# --- «Аренда 1С» and beyond (RA-PRICE-05) --------------------------------------------------------------------


def test_ra_price_05_cloud_hosting_is_offered_only_up_to_its_60_users(desk):
    client, a, _, _, _, _ = desk

    def alternatives(users: int) -> list[str]:
        response = client.post("/api/v1/quotes", headers=a.headers, json={
            "region": "ru", "months": 1, "providers": ["rarus"],
            "seat_plan": [{"users": users, "configurations": ["bp"]}]})
        [offer] = response.json()["offers"]
        assert not offer["eligible"] and "RA-PRICE-05" in offer["rules"]
        return offer["alternatives"]

    assert [("хостинг" in x, "Корпоративное" in x) for x in alternatives(60)] == [(True, False), (False, True)]
    assert [("хостинг" in x, "Корпоративное" in x) for x in alternatives(61)] == [(False, True)]


# --- the what-if standing: the stored spelling, over the stored standing (FR-DISC-03/04, RA-COMM-01) ----------


def test_fr_disc_04_a_what_if_changes_only_the_stored_fields_it_names(desk):
    client, a, _, _, _, _ = desk
    quote = {"region": "ru", "months": 12, "seat_plan": [{"users": 1, "configurations": ["bp"]}],
             "customer": {"new_to_1c": True}, "created_on": "2026-11-02", "providers": ["fresh_ru", "rarus"]}

    def offers(**extra) -> dict[str, dict]:
        response = client.post("/api/v1/quotes", json={**quote, **extra}, headers=a.headers)
        assert response.status_code == 200, response.text
        return {o["provider"]: o for o in response.json()["offers"]}

    stored = offers()
    assert stored["fresh_ru"]["discount_percent"] == 50 and stored["rarus"]["partner_income"] is not None
    desk_what_if = offers(partner={"fresh_ru": {"service_desk_since": "2026-01-01"}})
    assert desk_what_if["fresh_ru"]["discount_percent"] == 65  # ЦСК from the stored standing + Сервис-деск (FR-DISC-04)
    assert desk_what_if["rarus"]["partner_income"] == stored["rarus"]["partner_income"]  # the agent fee stayed (RA-COMM-01)
    no_csk = offers(partner={"fresh_ru": {"csk": False}})
    assert no_csk["fresh_ru"]["discount_percent"] == 20 and no_csk["rarus"]["partner_income"] is not None
    price = client.post("/api/v1/prices/subscription", headers=a.headers, json={
        "provider": "fresh_ru", "tariff": "102", "months": 12, "created_on": "2026-11-02", "customer": {"new_to_1c": True},
        "partner": {"fresh_ru": {"service_desk_since": "2026-01-01"}}})
    assert price.status_code == 200 and price.json()["discount_percent"] == 65, price.text
    flat = client.post("/api/v1/quotes", json={**quote, "partner": {"csk": True}}, headers=a.headers)
    assert flat.status_code == 422 and flat.json()["errors"][0]["field"] == "partner.csk"  # one spelling


# --- departed customers get no notices and no renewals (FAM-SUB-14, FAM-SUB-15) ------------------------------


def test_fam_sub_14_15_a_customer_who_left_gets_no_notice_and_no_renewal_there(desk):
    client, a, url, customer, first, post = desk
    stays, moves, returns = customer(), customer(), customer()
    for who in (first, stays, moves, returns):
        assert post(who, tariff="102", months=1, payment=PAID).status_code == 201  # all end 2026-12-21
    assert post(first, "medicine", months=1, payment=PAID).status_code == 201  # and at another provider

    def leave(who: str, **body) -> None:
        made = client.post(f"/api/v1/customers/{who}/departures", headers=a.headers, json={"provider": "fresh_ru", **body})
        assert made.status_code == 201, made.text

    leave(first, left_on="2026-11-22", reason="price", comment="нашли дешевле")
    leave(moves, left_on="2026-11-22", transition="to_local_its")
    leave(stays, left_on="2026-11-22", transition="from_local_its")  # came to the cloud: not a departure
    leave(returns, left_on="2026-11-21", reason="quality", comment="вернулся")  # before this subscription started

    def noticed(day: str) -> set[str]:
        notices = client.get("/api/v1/reports/notices", params={"on": day}, headers=a.headers).json()
        return {n["customer_id"] for n in notices if n["provider"] == "fresh_ru"}

    assert noticed("2026-12-14") == noticed("2026-12-21") == {stays, returns}
    renewals = client.get("/api/v1/reports/renewals", params={"within_days": 30}, headers=a.headers).json()
    assert {r["customer_id"] for r in renewals if r["provider"] == "fresh_ru"} == {stays, returns}
    elsewhere = client.get("/api/v1/reports/notices", params={"on": "2026-12-14"}, headers=a.headers).json()
    assert [n["customer_id"] for n in elsewhere if n["provider"] == "medicine"] == [first]  # left fresh_ru only

    async def mail_due() -> int:
        db = Database(url)
        try:
            async with db.sessions() as session:
                queued = await queue_notices(session, date(2026, 12, 14))
                await session.commit()
                return queued
        finally:
            await db.dispose()

    assert asyncio.run(mail_due()) == 3  # the worker mails those who stayed, and fresh_ru's leaver at medicine


# --- 1С:Касса: the free base tariff of 999 days, then a paid one (FR-SUB-19), through the sandbox -------------


async def test_fr_sub_19_kassa_base_tariff_then_a_paid_one_at_the_provider(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        fresh = await on_trial(live, worker, "fresh_ru")
        base = await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", tariff="250")
        assert base["status"] == "active" and base["months_charged"] == 0
        held = sandboxes.states["fresh_ru"].subscriptions[int(base["provider_number"])]
        assert (held.end - held.start).days == 998 and held.end.isoformat() == base["end"]
        paid = await order(live, worker, customer_id=fresh["customer_id"], provider="fresh_ru", tariff="242", months=12)
        assert paid["status"] == "active" and paid["tariff"] == "1С:Касса Старт"


# --- a sandbox takes the standing in the hub's spelling (FR-DISC-03, MED-ONB-01, RA-COMM-01) -----------------


def test_fr_disc_03_the_sandbox_control_takes_the_stored_spelling(sandboxes):
    url = sandboxes.served["fresh_ru"].url
    answer = httpx.post(f"{url}/_control/partner", json=STANDING)  # what the hub stores, as it is
    assert answer.status_code == 200, answer.text
    standing = sandboxes.states["fresh_ru"].partner.standing
    assert (standing.csk, standing.kz_csk, standing.medicine_competence_centre) == (True, True, True)
    assert str(standing.rarus_commission_percent) == "20"
    another = httpx.post(f"{url}/_control/partners", json={"account": 77, "login": "beta", "password": "b",
                                                            "standing": {"fresh_ru": {"csk": True}}})
    assert another.status_code == 201 and sandboxes.states["fresh_ru"].partners["beta"].standing.csk is True
    flat = httpx.post(f"{url}/_control/partner", json={"csk": True})
    assert flat.status_code == 400 and "csk" in flat.text
