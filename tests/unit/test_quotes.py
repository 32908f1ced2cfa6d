"""compare() and the Rarus engine (RA-PRICE-01…05, RA-COMM-01, MED-ONB-01)."""
from datetime import date
from decimal import Decimal

import pytest

from pricing import RequestInvalid, compare

from .helpers import TODAY, quote_need, standing

BP3 = [{"users": 3, "configurations": ["bp"]}]


def offers_by_provider(response):
    return {o.provider: o for o in response.offers}


def test_ra_price_01_known_connection_prices(catalogs):
    rarus = catalogs["rarus"]
    known = {c.id: (c.price.amount, c.price.source) for c in rarus.configurations}
    for config, amount in (("bp", 1230), ("zup", 1330), ("do_corp", 2890), ("alfa_auto_corp", 2130), ("gkh_uk", 1530)):
        assert known[config] == (Decimal(amount), "RA-PRICE-01")


def test_ra_price_03_ten_bases_included_then_charged(engines):
    ten = engines["rarus"].quote(quote_need(months=1, seat_plan=BP3, bases=10), standing(), TODAY)
    twelve = engines["rarus"].quote(quote_need(months=1, seat_plan=BP3, bases=12), standing(), TODAY)
    assert twelve.monthly_price - ten.monthly_price == Decimal("100.00")


def test_ra_price_04_options_and_unverified_period(engines):
    need = quote_need(months=2, seat_plan=BP3, options=["premium", "configurator_access", "web_publication"])
    offer = engines["rarus"].quote(need, standing(), TODAY)
    assert offer.monthly_price == Decimal(3 * 1230 + 3 * 300 + 1000 + 1000)
    # RA-BILL-01: asked for on 22.11 (the second half), two months run to 31.01 — the part November by its days
    assert (offer.start, offer.end) == (TODAY, date(2027, 1, 31))
    assert offer.total_price == offer.monthly_price * 2 + (offer.monthly_price * 9 / 30).quantize(Decimal("0.01"))
    assert any("treated as monthly" in w for w in offer.warnings)


def test_ra_price_05_beyond_limits_recommends_hosting(engines):
    big = engines["rarus"].quote(quote_need(months=1, seat_plan=[{"users": 31, "configurations": ["bp"]}]), standing(), TODAY)
    assert not big.eligible and "RA-PRICE-05" in big.rules
    assert any("Облачный хостинг" in a for a in big.alternatives) and any("Корпоративное облако" in a for a in big.alternatives)
    heavy = engines["rarus"].quote(quote_need(months=1, seat_plan=BP3, storage_gb=31), standing(), TODAY)
    assert not heavy.eligible
    fits = engines["rarus"].quote(quote_need(months=1, seat_plan=[{"users": 30, "configurations": ["bp"]}], storage_gb=30), standing(), TODAY)
    assert fits.eligible


def test_ra_comm_01_agent_fee_is_the_partner_rate(engines):
    need = quote_need(months=3, seat_plan=BP3)
    offer = engines["rarus"].quote(need, standing(rarus_commission_percent="15"), TODAY)
    # 15% of the first invoice, 22.11–28.02 (RA-BILL-01): 9/30 × 3 690 + 3 × 3 690 = 12 177
    assert offer.total_price == Decimal("12177.00")
    assert offer.partner_cost == 0 and offer.partner_income == Decimal("1826.55")
    unset = engines["rarus"].quote(need, standing(), TODAY)
    assert unset.partner_income is None and any("RA-COMM-01" in w for w in unset.warnings)


def test_med_onb_01_medicine_offer_needs_the_status(engines):
    need = quote_need(seat_plan=[{"users": 1, "configurations": ["med_hospital"]}], customer={"medical": True})
    without = offers_by_provider(compare(need, engines, standing(csk=True), TODAY))["medicine"]
    assert not without.eligible and without.rules == ["MED-ONB-01"]
    with_status = offers_by_provider(compare(need, engines, standing(medicine_competence_centre=True), TODAY))["medicine"]
    assert with_status.eligible and with_status.discount_percent == 40


def test_offers_ranked_by_total_and_ineligible_last(engines):
    need = quote_need(months=12, seat_plan=BP3)
    response = compare(need, engines, standing(csk=True, rarus_commission_percent="10"), TODAY)
    eligible = [o for o in response.offers if o.eligible]
    assert [o.provider for o in eligible] == sorted((o.provider for o in eligible), key=lambda p: offers_by_provider(response)[p].total_price)
    assert response.offers[-1].eligible is False
    kz = offers_by_provider(response)["fresh_kz"]
    assert not kz.eligible and "Kazakhstan" in kz.reason


def test_fresh_offer_income_is_the_discount_margin(engines):
    need = quote_need(months=12, seat_plan=BP3, customer={"new_to_1c": True})
    offer = engines["fresh_ru"].quote(need, standing(csk=True, service_desk_since="2026-01-01"), TODAY)
    main, extra = offer.lines
    assert offer.discount_percent == 65
    # FR-DISC-05: the extra session keeps 50%
    assert offer.partner_cost == (main.amount * Decimal("0.35") + extra.amount * Decimal("0.5")).quantize(Decimal("0.01"))
    assert offer.partner_income == offer.total_price - offer.partner_cost
    assert any("sample price" in w for w in offer.warnings)


def test_fresh_kz_at_most_five_sessions(engines):
    need = quote_need(region="kz", seat_plan=[{"users": 6, "configurations": ["bp"]}])
    offer = engines["fresh_kz"].quote(need, standing(), TODAY)
    assert not offer.eligible and "at most" in offer.reason


def test_quote_refuses_unknown_names(engines):
    with pytest.raises(RequestInvalid) as bad:
        compare(quote_need(seat_plan=[{"users": 1, "configurations": ["nope"]}]), engines, standing(), TODAY)
    assert bad.value.field == "seat_plan[0].configurations[0]"
    with pytest.raises(RequestInvalid) as mode:
        compare(quote_need(seat_plan=[{"users": 1, "configurations": ["bp", "zup"], "mode": "single"}]), engines, standing(), TODAY)
    assert mode.value.field == "seat_plan[0].mode"
    with pytest.raises(RequestInvalid) as option:
        compare(quote_need(seat_plan=BP3, options=["free_lunch"]), engines, standing(), TODAY)
    assert option.value.field == "options[0]"
