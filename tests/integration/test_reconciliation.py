"""Reconciliation against the sandboxes, on SQLite and PostgreSQL (issue 12): the 1C statement of a month
fetched from the Service Manager, with the defects its control API plants, and an uploaded one."""
from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import httpx
from python_calamine import CalamineWorkbook

from hub.core.russian import untranslated
from pricing import MOSCOW, add_months, month_key

from .live import running
from .test_subscriptions_e2e import DESK_STANDING, on_trial, order

PLAIN_CSK = {"fresh_ru": {"csk": True}}


def statement_month() -> str:
    """Regular tariffs are invoiced the month after they were made (FR-PRICE-02)."""
    return month_key(add_months(datetime.now(MOSCOW).date().replace(day=1), 1))


async def three_subscriptions(live, worker, sandboxes) -> dict[str, dict]:
    """A new customer's first ПРОФ year (FR-DISC-04: 65%), its extra sessions (FR-DISC-05: 50%), its first
    renewal (60%) — the provider agreeing on every figure."""
    httpx.post(f"{sandboxes.served['fresh_ru'].url}/_control/partner", json=DESK_STANDING)
    await live.client.patch("/api/v1/partner", json={"standing": DESK_STANDING}, headers=live.headers)
    customer = (await on_trial(live, worker, "fresh_ru"))["customer_id"]
    main = await order(live, worker, customer_id=customer, provider="fresh_ru", tariff="102", months=12)
    addon = await order(live, worker, customer_id=customer, provider="fresh_ru", kind="addon_sessions",
                        main_id=main["id"], quantity=2)
    renewal = await order(live, worker, customer_id=customer, provider="fresh_ru", kind="renewal")
    assert (main["discount_percent"], addon["discount_percent"], renewal["discount_percent"]) == (65, 50, 60)
    return {"main": main, "addon": addon, "renewal": renewal}


async def reconcile(live, **body) -> dict:
    made = await live.client.post("/api/v1/reconciliations", json=body, headers=live.headers)
    assert made.status_code == 201, made.text
    return made.json()


async def lines_of(live, run: dict, category: str | None = None) -> list[dict]:
    """The run's lines, checking on the way that the page can show each reason and note in Russian (issue 13)."""
    params = {"category": category} if category else {}
    page = await live.client.get(f"/api/v1/reconciliations/{run['id']}/lines", params=params, headers=live.headers)
    assert page.status_code == 200, page.text
    english = {text: left for text in [*(line["reason"] for line in page.json()["items"]), *run["notes"]]
               if (left := untranslated(text))}
    assert english == {}, english
    return page.json()["items"]


async def test_a_clean_month_is_all_matched_with_no_difference(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        sold = await three_subscriptions(live, worker, sandboxes)
        run = await reconcile(live, provider="fresh_ru", period=statement_month())
        assert run["source"] == "fetched" and run["currency"] == "RUB"
        assert set(run["summary"]) == {"matched"} and run["summary"]["matched"]["count"] == 3
        expected = sum(Decimal(s["partner_cost"]) for s in sold.values())
        assert Decimal(run["totals"]["expected"]) == Decimal(run["totals"]["billed"]) == expected
        assert Decimal(run["totals"]["difference"]) == Decimal(run["totals"]["dispute"]) == 0
        lines = await lines_of(live, run)
        assert {line["subscription"] for line in lines} == {s["id"] for s in sold.values()}
        assert all(line["reason"] == "as expected" for line in lines)


async def test_planted_defects_each_land_in_their_category_with_the_reason(database_url, sandboxes):
    """POST /_control/statement-defects: the first line left out, the next billed 5 points more discount
    (FR-DISC-04), and billed twice."""
    async with running(database_url, sandboxes) as (live, worker):
        sold = await three_subscriptions(live, worker, sandboxes)
        numbers = sorted(int(s["provider_number"]) for s in sold.values())
        by_number = {int(s["provider_number"]): s for s in sold.values()}
        planted = httpx.post(f"{sandboxes.served['fresh_ru'].url}/_control/statement-defects",
                             json={"missing": 1, "wrong_discount": 1, "duplicate": 1})
        assert planted.status_code == 200, planted.text
        run = await reconcile(live, provider="fresh_ru", period=statement_month())
        assert {c: v["count"] for c, v in run["summary"].items()} == \
            {"matched": 1, "amount_mismatch": 1, "missing_in_statement": 1, "duplicate": 1}

        [missing] = await lines_of(live, run, "missing_in_statement")
        assert missing["reference"] == str(numbers[0]) and missing["billed"] is None
        assert "not due yet" in missing["reason"] and missing["rule"] == "FR-PRICE-02"

        [mismatch] = await lines_of(live, run, "amount_mismatch")
        wrong = by_number[numbers[1]]
        assert mismatch["reference"] == str(numbers[1])
        assert (mismatch["expected_discount"], mismatch["billed_discount"]) == \
            (str(wrong["discount_percent"]), str(wrong["discount_percent"] + 5))
        assert f"discount {wrong['discount_percent'] + 5}% (the hub {wrong['discount_percent']}%" in mismatch["reason"]
        assert mismatch["rule"] and "FR-DISC" in mismatch["rule"]

        [duplicate] = await lines_of(live, run, "duplicate")
        assert duplicate["reference"] == str(numbers[1]) and duplicate["subscription"] == wrong["id"]
        assert "billed again" in duplicate["reason"]
        assert Decimal(run["totals"]["dispute"]) >= Decimal(duplicate["billed"])  # a duplicate is disputed in full


async def test_an_order_time_discrepancy_shows_again_in_the_reconciliation(database_url, sandboxes):
    """The provider priced a new customer's first year without the raised tier (50%, not FR-DISC-04's 65%):
    recorded at order time, it is the statement's amount_mismatch, explained by the tier it corresponds to."""
    async with running(database_url, sandboxes) as (live, worker):
        await live.client.patch("/api/v1/partner", json={"standing": DESK_STANDING}, headers=live.headers)
        httpx.post(f"{sandboxes.served['fresh_ru'].url}/_control/partner", json=PLAIN_CSK)  # 1C: no Сервис-деск
        customer = (await on_trial(live, worker, "fresh_ru"))["customer_id"]
        main = await order(live, worker, customer_id=customer, provider="fresh_ru", tariff="102", months=12)
        assert main["discount_percent"] == 65 and main["discrepancies"], main
        run = await reconcile(live, provider="fresh_ru", period=statement_month())
        [line] = await lines_of(live, run, "amount_mismatch")
        assert (line["expected"], line["billed"]) == ("13528.20", "19326.00")
        assert "the raised discount (FR-DISC-04) was not applied" in line["reason"]
        assert "at order time the provider confirmed" in line["reason"]
        assert Decimal(run["totals"]["dispute"]) == Decimal("19326.00") - Decimal("13528.20")


async def test_an_uploaded_statement_finds_a_subscription_the_hub_did_not_sell(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        sold = await three_subscriptions(live, worker, sandboxes)
        month = statement_month()
        fetched = httpx.get(f"{sandboxes.served['fresh_ru'].url}/a/adm/hs/ext_api/statements/{month}.csv",
                            auth=("partner", "sandbox")).content
        extra = "\r\n999;48;ПРОФ;2026-12-01;2027-11-30;38 652,00;50;19 326,00\r\n".encode()
        upload = fetched.rstrip(b"\r\n") + extra
        made = await live.client.post("/api/v1/reconciliations", headers=live.headers,
                                      data={"provider": "fresh_ru", "period": month},
                                      files={"file": ("счет.csv", upload, "text/csv")})
        assert made.status_code == 201, made.text
        run = made.json()
        assert run["source"] == "uploaded" and run["filename"] == "счет.csv"
        assert run["summary"]["matched"]["count"] == len(sold)
        [unexpected] = await lines_of(live, run, "unexpected_in_statement")
        assert unexpected["reference"] == "999" and unexpected["billed"] == "19326.00" and unexpected["line"] == 5
        assert "the hub did not sell" in unexpected["reason"]
        assert Decimal(run["totals"]["dispute"]) == Decimal("19326.00")

        report = await live.client.get(f"/api/v1/reconciliations/{run['id']}", params={"format": "xlsx"},
                                       headers=live.headers)
        assert report.status_code == 200
        book = CalamineWorkbook.from_filelike(io.BytesIO(report.content))
        assert book.sheet_names[1:] == ["совпало", "лишнее в документе"]  # in Russian, for the accountant
        rows = book.get_sheet_by_name("лишнее в документе").to_python()
        billed = rows[0].index("По документу")
        assert rows[1][billed] == 19326.0  # a number cell, not text
        reason = rows[1][rows[0].index("Почему")]
        assert reason.startswith("выставлено 19\u00a0326,00 за подписку 999") and untranslated(reason) == []
        assert rows[1][rows[0].index("Категория")] == "лишнее в документе"

        resolved = await live.client.post(f"/api/v1/reconciliations/{run['id']}/lines/{unexpected['number']}/resolution",
                                          json={"resolution": "disputed", "comment": "не наша подписка"},
                                          headers=live.headers)
        assert resolved.status_code == 200, resolved.text
        assert resolved.json()["resolution"] == "disputed"
        audit = (await live.client.get("/api/v1/audit", headers=live.headers)).json()
        assert any(e["resource"] == "reconciliation_line" and e["action"] == "resolve" and e["after"]["resolution"] == "disputed"
                   for e in audit["items"]), audit


# --- Rarus: the quarterly agent report (RA-COMM-01/03, RA-ONB-06) ------------------------------------------

SEATS = [{"users": 2, "configurations": ["bp"], "mode": "single"}]


def this_quarter() -> str:
    today = datetime.now(MOSCOW).date()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


async def converted(live, worker, sandboxes, *, pay: bool = True, site_first: bool = False) -> dict:
    """A Rarus client the hub converted to paying (its invoice paid, or left unpaid); ``site_first``: the
    customer had asked for its trial through the provider's site, naming the partner (RA-ONB-06)."""
    from .live import _numbers, enrollment_for

    n = next(_numbers)
    if site_first:
        site = httpx.post(f"{sandboxes.served['rarus'].url}/_control/site-trial", json={
            "partner": {"code": "0320"}, "products": ["bp"], "users": 1,
            "customer": {"name": f"ООО Клиент {n}", "inn": "7707083893", "email": enrollment_for("rarus", n)["users"][0]["email"]}})
        assert site.status_code == 201, site.text
    enrollment = await live.enroll("rarus", n)
    from .test_onboarding import drive

    await drive(live, worker, lambda items: all(e["state"] == "trial_active" for e in items if e["id"] == enrollment["id"]),
                medicine_days=False)
    row = await order(live, worker, customer_id=enrollment["customer_id"], provider="rarus", kind="conversion",
                      seat_plan=SEATS, months=1)
    if pay:
        httpx.post(f"{sandboxes.served['rarus'].url}/_control/invoices/{row['provider_data']['id']}/pay")
        for _ in range(100):
            await worker.run_once()
            row = (await live.client.get(f"/api/v1/subscriptions/{row['id']}", headers=live.headers)).json()
            if row["status"] == "active":
                break
        assert row["status"] == "active", row
    return {**row, "login": (await live.client.get(f"/api/v1/customers/{enrollment['customer_id']}",
                                                     headers=live.headers)).json()["accounts"]["rarus_login"]}


async def test_a_rarus_quarter_attributed_site_registered_and_unpaid_clients(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        ours = await converted(live, worker, sandboxes)
        theirs = await converted(live, worker, sandboxes, site_first=True)
        unpaid = await converted(live, worker, sandboxes, pay=False)
        run = await reconcile(live, provider="rarus", period=this_quarter())
        categories = {line["reference"]: line for line in await lines_of(live, run)}
        assert categories[ours["login"]]["category"] == "matched"
        assert categories[theirs["login"]]["category"] == "not_attributed"
        assert categories[theirs["login"]]["rule"] == "RA-ONB-06" and "site" in categories[theirs["login"]]["reason"]
        assert categories[unpaid["login"]]["category"] == "month_not_paid"
        fee = Decimal(categories[ours["login"]]["expected_retail"]) * Decimal("0.20")
        assert Decimal(categories[ours["login"]]["billed"]) == fee.quantize(Decimal("0.01"))  # RA-COMM-01 at 20 %
        assert Decimal(run["totals"]["billed"]) == Decimal(categories[ours["login"]]["billed"])

        # RA-COMM-02: the act's number and date given, the payout is recorded and the cover letter mailed
        paid = await live.client.post(f"/api/v1/reconciliations/{run['id']}/payout", headers=live.headers,
                                      json={"act_number": "17", "act_date": "2026-10-01"})
        assert paid.status_code == 200, paid.text
        payout = paid.json()["payout"]
        assert payout["expected_payout"] == run["totals"]["billed"] and payout["rule"] == "RA-COMM-02"
        assert any("ptrsaas@rarus.ru" in step for step in payout["checklist"])
        assert any("Рарус-Софт" in step for step in payout["checklist"])
        for _ in range(50):
            await worker.run_once()
            if sandboxes.desk.other:
                break
        [letter] = [m for m in sandboxes.desk.other if m["to"] == "ptrsaas@rarus.ru"]
        assert "акт № 17 от 01.10.2026" in letter["body"] and run["totals"]["billed"] in letter["body"]
        await worker.run_once()
        sent = (await live.client.get(f"/api/v1/reconciliations/{run['id']}", headers=live.headers)).json()["payout"]
        assert sent["sent_at"] is not None, sent
        again = await live.client.post(f"/api/v1/reconciliations/{run['id']}/payout", headers=live.headers,
                                       json={"act_number": "18", "act_date": "2026-10-02"})
        assert again.status_code == 409


async def test_a_fee_rate_difference_says_both_rates_ra_comm_01(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        ours = await converted(live, worker, sandboxes)
        httpx.post(f"{sandboxes.served['rarus'].url}/_control/partner", json={"agent_fee_percent": "15"})
        run = await reconcile(live, provider="rarus", period=this_quarter())
        [line] = await lines_of(live, run, "fee_rate_mismatch")
        assert line["reference"] == ours["login"] and line["rule"] == "RA-COMM-01"
        assert (line["expected_discount"], line["billed_discount"]) == ("20", "15.0")
        assert "is 15.0% of" in line["reason"] and "the partner's rate is 20%" in line["reason"]
        short = Decimal(line["expected"]) - Decimal(line["billed"])
        assert short > 0 and Decimal(run["totals"]["dispute"]) == short


async def test_a_quarter_without_a_report_says_why_ra_comm_03(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        quiet = await reconcile(live, provider="rarus", period="2025-Q1")  # no paying clients then
        assert quiet["summary"] == {} and any("no paying clients" in n for n in quiet["notes"]), quiet
        assert all("RA-COMM-03" in n for n in quiet["notes"])

        await converted(live, worker, sandboxes)
        httpx.post(f"{sandboxes.served['rarus'].url}/_control/partner", json={"profile_code": "320"})
        run = await reconcile(live, provider="rarus", period=this_quarter())
        assert any("4-character form" in n for n in run["notes"]), run["notes"]  # the cabinet's own reason
        assert any("1 paid client-month" in n for n in run["notes"]), run["notes"]
        [missing] = await lines_of(live, run, "missing_in_statement")
        assert missing["billed"] is None and Decimal(run["totals"]["dispute"]) == Decimal(missing["expected"])


# --- bad files: a clear 4xx naming the line and column, nothing stored -------------------------------------

HEADER = "subscription;subscriber;tariff;period_start;period_end;retail;discount_percent;amount\r\n"
GOOD = HEADER + "5;48;ПРОФ;2026-12-01;2027-11-30;38652.00;50;19326,00\r\n"


async def test_bad_uploads_are_refused_naming_the_line_and_column_and_nothing_is_stored(database_url, sandboxes):
    cases = {
        "wrong columns": ("a;b\r\n1;2\r\n".encode(), 422, "line 1: the statement lacks the column(s) subscription"),
        "not a number": (GOOD.replace("19326,00", "много").encode(), 422, "line 2, column amount: 'много' is not an amount"),
        "three decimals": (GOOD.replace("19326,00", "19326.001").encode(), 422, "line 2, column amount"),
        "empty": (b"", 422, "the statement is empty"),
        "a percentage over 100": (GOOD.replace(";50;", ";150;").encode(), 422, "line 2, column discount_percent"),
        "not UTF-8": (GOOD.encode("cp1251"), 422, "not UTF-8"),
        "a NUL byte": (GOOD.replace("ПРОФ", "ПР\x00ОФ").encode(), 422, "line 2"),
        "a bad date": (GOOD.replace("2026-12-01", "01.12.2026").encode(), 422, "line 2, column period_start"),
        "a broken workbook": (b"PK\x03\x04 not really a zip", 422, "not a readable XLSX workbook"),
        "50 MB": (b"x" * (50 * 1024 * 1024), 413, None),
    }
    async with running(database_url, sandboxes) as (live, _):
        for name, (content, status, says) in cases.items():
            answer = await live.client.post("/api/v1/reconciliations", headers=live.headers,
                                            data={"provider": "fresh_ru", "period": "2026-12"},
                                            files={"file": ("statement.csv", content, "text/csv")})
            assert answer.status_code == status, (name, answer.text)
            if says:
                assert answer.json()["errors"][0]["field"] == "file", (name, answer.text)
                assert says in answer.json()["detail"], (name, answer.text)
        for body, field in (({"provider": "fresh_ru", "period": "2026-Q4"}, "period"),
                            ({"provider": "rarus", "period": "2026-12"}, "period"),
                            ({"provider": "nobody", "period": "2026-12"}, "provider"),
                            ({"provider": "fresh_ru", "period": "2026-13"}, "period")):
            answer = await live.client.post("/api/v1/reconciliations", json=body, headers=live.headers)
            assert answer.status_code in (400, 422) and answer.json()["errors"][0]["field"] == field, answer.text
        missing_file = await live.client.post("/api/v1/reconciliations", headers=live.headers,
                                              data={"provider": "fresh_ru", "period": "2026-12"},
                                              files={"other": ("x.csv", GOOD.encode(), "text/csv")})
        assert missing_file.status_code == 422 and missing_file.json()["errors"][0]["field"] == "file"
        stored = await live.client.get("/api/v1/reconciliations", headers=live.headers)
        assert stored.status_code == 200 and stored.json() == []


async def test_an_xlsx_statement_with_comma_decimals_and_a_bom_csv_read_alike(database_url, sandboxes):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in [h.split(";") for h in GOOD.strip().split("\r\n")]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    async with running(database_url, sandboxes) as (live, _):
        runs = []
        for name, content in (("s.xlsx", out.getvalue()), ("s.csv", ("\ufeff" + GOOD).encode())):
            answer = await live.client.post("/api/v1/reconciliations", headers=live.headers,
                                            data={"provider": "fresh_ru", "period": "2026-12"},
                                            files={"file": (name, content, "application/octet-stream")})
            assert answer.status_code == 201, answer.text
            runs.append(answer.json())
        assert [r["summary"]["unexpected_in_statement"]["billed"] for r in runs] == ["19326.00", "19326.00"]


# --- the CLI ------------------------------------------------------------------------------------------------

async def test_hub_reconcile_prints_summary_totals_and_lines_and_refuses_a_bad_file(database_url, sandboxes, tmp_path):
    import json
    import os
    import subprocess
    import sys

    async with running(database_url, sandboxes) as (live, worker):
        sold = await three_subscriptions(live, worker, sandboxes)
        partner = (await live.client.get("/api/v1/partner", headers=live.headers)).json()["id"]
        env = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_DATA_DIR": str(tmp_path),
               **{f"HUB_{p.upper()}_URL": sandboxes.served[p].url for p in ("fresh_ru", "fresh_kz", "medicine", "rarus")}}

        def cli(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "hub.cli", "reconcile", *args], env=env,
                                  capture_output=True, text=True, timeout=120)

        done = cli("fresh_ru", statement_month(), "--partner", partner)
        assert done.returncode == 0, done.stderr
        printed = json.loads(done.stdout)
        assert printed["summary"]["matched"]["count"] == 3 and printed["totals"]["difference"] == "0.00"
        assert {line["subscription"] for line in printed["lines"]} == {s["id"] for s in sold.values()}
        assert set(printed["lines"][0]) >= {"category", "reason", "subscription", "reference", "expected", "billed"}

        bad = tmp_path / "bad.csv"
        bad.write_text(HEADER + "5;48;ПРОФ;2026-12-01;2027-11-30;38652.00;50;много\r\n", encoding="utf-8")
        refused = cli("fresh_ru", statement_month(), "--partner", partner, "--file", str(bad))
        assert refused.returncode == 2 and refused.stdout == ""
        assert "line 2, column amount" in json.loads(refused.stderr)["detail"]

        xlsx = tmp_path / "report.xlsx"
        written = cli("fresh_ru", statement_month(), "--partner", partner, "--format", "xlsx", "--output", str(xlsx))
        assert written.returncode == 0, written.stderr
        assert CalamineWorkbook.from_path(str(xlsx)).sheet_names[1:] == ["совпало"]
        runs = (await live.client.get("/api/v1/reconciliations", headers=live.headers)).json()
        assert len(runs) == 2  # the refused file stored nothing


async def test_a_statement_with_nothing_billed_shows_every_expectation_missing(database_url, sandboxes):
    """A month whose statement has no lines (the provider's, or an upload of its header and blank lines) is
    reconciled, not refused: each expected subscription is missing_in_statement."""
    async with running(database_url, sandboxes) as (live, worker):
        sold = await three_subscriptions(live, worker, sandboxes)
        httpx.post(f"{sandboxes.served['fresh_ru'].url}/_control/statement-defects", json={"missing": 3})
        fetched = await reconcile(live, provider="fresh_ru", period=statement_month())
        assert {c: v["count"] for c, v in fetched["summary"].items()} == {"missing_in_statement": 3}
        assert Decimal(fetched["totals"]["expected"]) == sum(Decimal(s["partner_cost"]) for s in sold.values())
        blank = (HEADER + ";;;;;;;\r\n\r\n").encode()
        uploaded = await live.client.post("/api/v1/reconciliations", headers=live.headers,
                                          data={"provider": "fresh_ru", "period": statement_month()},
                                          files={"file": ("../../etc/пустой\r\nX: y.csv", blank, "text/csv")})
        assert uploaded.status_code == 201, uploaded.text
        assert uploaded.json()["summary"]["missing_in_statement"]["count"] == 3
        assert uploaded.json()["filename"] == "пустой  X: y.csv"  # one line, no folders


async def test_an_upload_replays_by_its_idempotency_key_and_a_broken_form_is_a_400(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, _):
        headers = {**live.headers, "Idempotency-Key": "upload-1"}
        answers = [await live.client.post("/api/v1/reconciliations", headers=headers,
                                          data={"provider": "fresh_ru", "period": "2026-12"},
                                          files={"file": ("s.csv", GOOD.encode(), "text/csv")}) for _ in range(2)]
        assert [a.status_code for a in answers] == [201, 201]
        assert answers[0].json()["id"] == answers[1].json()["id"] and answers[1].headers["idempotent-replayed"] == "true"
        broken = b"--B\r\nContent-Disposition: form-data; name=\"period\"\r\nContent-Type: text/plain; charset=nonexistent" \
                 b"\r\n\r\n2026-12\r\n--B--\r\n"
        refused = await live.client.post("/api/v1/reconciliations", content=broken,
                                         headers={**live.headers, "Content-Type": "multipart/form-data; boundary=B"})
        assert refused.status_code == 400, refused.text
        worded = await live.client.post("/api/v1/reconciliations", json={"provider": "fresh_ru", "period": "2026-12-01"},
                                        headers=live.headers)
        assert worded.status_code == 422 and "is not a month like 2026-12" in worded.json()["detail"]
