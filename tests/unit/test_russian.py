"""Issue 13: the pages show the engines' and services' English texts in Russian, through one catalogue
(hub/web/russian.py). These tests walk what the engines and services write, so a new English text without its
Russian fails here; tests/integration/test_reconciliation.py does the same for the reasons of real runs."""
from __future__ import annotations

from datetime import date, datetime, timezone
from itertools import product

import msgspec
import pytest

from hub.core.db.models import Enrollment
from hub.core.identifiers import check_bin_iin, check_inn, check_kpp, check_phone
from hub.customers.service import validated
from hub.core.exceptions import InvalidField
from hub.onboarding.views import _steps
from hub.quotes.service import PricingService
from hub.reconciliation.explain import discount_cause
from hub.reconciliation.payout import checklist
from hub.reconciliation.service import _no_report_reasons
from hub.reconciliation.statements import AGENT_REPORT, STATEMENT, BadFile, read
from hub.core.russian import russian, untranslated
from pricing import load_catalogs
from hub.core.clock import FixedClock
from pricing.requests import QuoteRequest
from providers.profiles import PROFILES

import polars as pl

CATALOGS = load_catalogs()
CODES = {code for c in CATALOGS.values() for code in (*(p.id for p in c.configurations), *(a.id for a in c.addons))}
CODES |= {*STATEMENT.columns, *AGENT_REPORT.columns}  # the files' own headers


def english_left(texts) -> dict[str, list[str]]:
    """Latin words left in Russian, bar the catalogs' configuration and option codes (identifiers, like rule ids)."""
    found = {text: [w for w in untranslated(text) if w not in CODES] for text in texts if text}
    return {text: left for text, left in found.items() if left}


def test_the_catalogue_translates_templates_terms_and_clauses():
    assert russian("needs the partner status 1С:ЦСК") == "требуется статус партнёра 1С:ЦСК"
    assert russian("102 ПРОФ, 12 mo.") == "102 ПРОФ, 12 мес."
    assert russian("not on the statement of 2026-12: expected 100.00 for 102 ПРОФ — it fell due 2026-12-05; "
                   "ask the provider why it is not billed") == \
        "нет в выписке за 2026-12: ожидалось 100,00 за «102 ПРОФ» — срок наступил 05.12.2026; " \
        "спросите провайдера, почему он не выставлен"  # amounts and days as a Russian reader writes them
    assert russian("not on the statement of 2026-12: expected 19326.00 for 102 ПРОФ — it fell due 2026-12-05; "
                   "ask the provider why it is not billed").startswith("нет в выписке за 2026-12: ожидалось 19\u00a0326,00")
    assert russian("something the catalogue does not know") == "something the catalogue does not know"
    assert russian(None) is None and russian("38 652,00 ₽") == "38 652,00 ₽"


def test_every_catalog_note_is_in_russian():
    notes = [t.note for c in CATALOGS.values() for t in c.tariffs if t.note]
    notes += [a.unverified for c in CATALOGS.values() for a in c.addons if a.unverified]
    assert notes and english_left(notes) == {}


def _needs():
    plans = ([{"users": 3, "configurations": ["bp"]}, {"users": 1, "configurations": ["zup"]}],
             [{"users": 2, "configurations": ["bp", "zup"], "mode": "alternate"}],
             [{"users": 2, "configurations": ["bp", "ut"], "mode": "simultaneous"}],
             [{"users": 400, "configurations": ["bp"]}],
             [{"users": 1, "configurations": ["erp"]}])
    partners = (None, {"medicine": {"competence_centre": True}, "fresh_ru": {"csk": True, "corp_eligible": True}},
                {"rarus": {"agent_fee_percent": "20"}})
    for region, months, plan, partner, medical, options in product(
            ("ru", "kz"), (1, 3, 12, 24), plans, partners, (False, True), ([], ["web_publication", "extra_base"])):
        need = {"region": region, "months": months, "seat_plan": plan, "customer": {"medical": medical, "new_to_1c": True},
                "options": options, "bases": 12, "storage_gb": 500 if medical else None}
        if partner:
            need["partner"] = partner
        yield need


def test_every_quote_text_is_in_russian():
    """Reasons, warnings, alternatives and lines of quotes across regions, periods, seat plans, standings,
    customers and options."""
    pricing = PricingService(CATALOGS, FixedClock(datetime(2026, 12, 4, 9, tzinfo=timezone.utc)))
    texts: set[str] = set()
    for body in _needs():
        try:
            need = msgspec.convert(body, QuoteRequest)
            answer = pricing.quote(need)
        except Exception as exc:  # a refused need: its message is shown too
            texts.add(getattr(exc, "message", str(exc)))
            continue
        for offer in answer.offers:
            texts.update([offer.reason or "", *offer.warnings, *offer.alternatives, *(l.description for l in offer.lines)])
    assert len(texts) > 20 and english_left(texts) == {}


def test_every_step_waits_for_something_in_russian():
    moment = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    texts = set()
    for provider, state in product(PROFILES, ("requested", "awaiting_certificates", "invited", "trial_active", "failed")):
        for filled in ({}, {"certificates_requested_at": moment}, {"certificates_issued_at": moment, "access_requested_at": moment},
                       {"access_requested_at": moment}, {"access_requested_at": moment, "trial_end": date(2026, 12, 31),
                                                         "account": "48"}):
            row = Enrollment(provider=provider, state=state, **filled)
            texts.update(s.waiting_for for s in _steps(row) if s.waiting_for)
    assert len(texts) >= 6 and english_left(texts) == {}


def test_every_discount_explanation_is_in_russian():
    texts = set()
    for catalog in CATALOGS.values():
        cause = discount_cause(catalog)
        for expected, billed in product(range(0, 101, 5), repeat=2):
            texts.add(cause(expected, billed, None))
    texts.discard(None)
    assert len(texts) > 5 and english_left(texts) == {}


def test_reconciliation_notes_checklist_and_bad_files_are_in_russian():
    paid = pl.DataFrame({"paid": [True, False]})
    texts = [*_no_report_reasons(None, paid), *_no_report_reasons("320", paid.filter(pl.col("paid").not_())),
             *checklist(PROFILES["rarus"], "2026-Q4")]
    header = "subscription;subscriber;tariff;period_start;period_end;retail;discount_percent;amount\r\n"
    good = header + "5;48;ПРОФ;2026-12-01;2027-11-30;38652.00;50;19326,00\r\n"
    for bad, layout in ((b"", STATEMENT), (b"a;b\r\n1;2\r\n", STATEMENT), (good.replace("19326,00", "x").encode(), STATEMENT),
                        (good.encode("cp1251"), STATEMENT), (b"PK\x03\x04 broken", STATEMENT),
                        (good.replace("2026-12-01", "1.12.2026").encode(), STATEMENT),
                        (good.replace(";50;", ";150;").encode(), STATEMENT), (b"a;b\r\n", AGENT_REPORT),
                        (good.replace(";", ",").encode(), STATEMENT), (good.replace(";", "\t").encode(), STATEMENT)):
        with pytest.raises(BadFile) as refused:
            read(bad, layout)
        texts.append(refused.value.message)
    left = english_left(texts)
    assert {t: w for t, w in left.items() if not t.startswith("the statement is not a readable XLSX")} == {}


@pytest.mark.parametrize("field,value", [("inn", "7707083890"), ("inn", "77070838"), ("inn", "77О7083893"),
                                         ("kpp", "77360100"), ("phone", "+7 12"), ("phone", "телефон")])
def test_a_bad_card_value_is_refused_in_russian(field, value):
    card = {"legal_name": "ООО Ромашка", "country": "RU", field: value}
    with pytest.raises(InvalidField) as refused:
        validated(card)
    assert english_left([refused.value.message]) == {}, refused.value.message


@pytest.mark.parametrize("written", ["1e3", "１２", " 5", "12.345", "NaN"])
def test_a_decimal_written_otherwise_is_refused_in_russian(written):
    """The input guard refuses a decimal string Decimal() would read but a provider would not ("1e3",
    full-width digits), and says so on the pages in Russian."""
    from hub.core.input_guard import decode_body
    from pricing import QuoteRequest

    body = ('{"region": "ru", "months": 12, "seat_plan": [{"users": 1, "configurations": ["bp"]}], '
            '"extensions": [{"name": "x", "monthly_retail": "%s"}]}' % written).encode()
    with pytest.raises(InvalidField) as refused:
        decode_body(body, QuoteRequest)
    assert refused.value.field == "extensions[0].monthly_retail"
    assert english_left([refused.value.message]) == {}
