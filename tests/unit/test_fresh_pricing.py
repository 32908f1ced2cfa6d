"""Fresh-family subscription prices: discounts (§4), periods and invoice dates."""
from datetime import date
from decimal import Decimal

import pytest

from pricing import RequestInvalid, RuleViolation

from .helpers import price

DESK = {"csk": True, "service_desk_since": "2026-01-01"}


def test_fr_disc_01_twenty_percent_without_csk(engines):
    result = price(engines, provider="fresh_ru", tariff="102", months=12, partner={"csk": False}, kind="renewal")
    assert result.discount_percent == 20 and "FR-DISC-01" in result.rules
    assert result.partner_cost == Decimal("30921.60")


def test_fr_disc_02_industry_application_thirty_percent_whatever_the_status(engines):
    for partner in ({"csk": False}, DESK):
        result = price(engines, provider="fresh_ru", application="housing_accounting", partner=partner, created_on="2026-11-02")
        assert result.discount_percent == 30 and "FR-DISC-02" in result.rules


def test_fr_disc_03_csk_fifty_percent_and_sip_treated_alike(engines):
    for partner in ({"csk": True}, {"csk": True, "sip": True}):
        assert price(engines, provider="fresh_ru", partner=partner).discount_percent == 50
    assert price(engines, provider="fresh_ru", partner={"sip": True}).discount_percent == 20


def test_fr_disc_04_raised_tiers_by_kind(engines):
    new = {"new_to_1c": True}
    on = "2026-11-02"
    assert price(engines, provider="fresh_ru", partner=DESK, customer=new, created_on=on).discount_percent == 65
    assert price(engines, provider="fresh_ru", partner=DESK, kind="first_renewal", created_on=on).discount_percent == 60
    assert price(engines, provider="fresh_ru", partner=DESK, kind="renewal", created_on=on).discount_percent == 50
    upgrade = price(engines, provider="fresh_ru", partner=DESK, kind="upgrade", created_on=on,
                    main={"start": "2026-05-15", "end": "2027-05-14"})
    assert upgrade.discount_percent == 60


def test_fr_disc_04_no_65_without_the_new_customer_answer(engines):
    unknown = price(engines, provider="fresh_ru", partner=DESK, created_on="2026-11-02")
    assert unknown.discount_percent == 50 and any("FR-ONB-02" in w for w in unknown.warnings)
    known_old = price(engines, provider="fresh_ru", partner=DESK, customer={"new_to_1c": False}, created_on="2026-11-02")
    assert known_old.discount_percent == 50


def test_fr_disc_04_service_desk_counts_from_the_next_month_and_per_month_record(engines):
    partner = {"csk": True, "service_desk_since": "2026-10-15"}
    new = {"new_to_1c": True}
    assert price(engines, provider="fresh_ru", partner=partner, customer=new, created_on="2026-10-31").discount_percent == 50
    assert price(engines, provider="fresh_ru", partner=partner, customer=new, created_on="2026-11-01").discount_percent == 65
    lapsed = {**partner, "service_desk_lapsed_months": ["2026-11"]}
    assert price(engines, provider="fresh_ru", partner=lapsed, customer=new, created_on="2026-11-20").discount_percent == 50
    never = {"csk": True, "service_desk": False}
    assert price(engines, provider="fresh_ru", partner=never, customer=new).discount_percent == 50


def test_fr_disc_05_no_raised_discount_on_addons_or_crm(engines):
    main = {"start": "2026-11-02", "end": "2027-11-01"}
    for kind in ("addon_sessions", "addon_bases"):
        result = price(engines, provider="fresh_ru", kind=kind, partner=DESK, customer={"new_to_1c": True},
                       created_on="2026-11-02", main=main)
        assert result.discount_percent == 50 and "FR-DISC-05" in result.rules
    crm = price(engines, provider="fresh_ru", application="crm", partner=DESK, customer={"new_to_1c": True}, created_on="2026-11-02")
    assert crm.discount_percent == 50 and "FR-DISC-05" in crm.rules


def test_fr_price_02_invoice_due_dates(engines):
    regular = price(engines, provider="fresh_ru", tariff="102", created_on="2026-11-20", start="2026-12-01")
    assert regular.invoice_due == date(2026, 12, 15)
    monthly = price(engines, provider="fresh_ru", tariff="151", created_on="2026-11-20", start="2026-12-01")
    assert monthly.invoice_due == date(2026, 12, 31) and "FR-PRICE-02" in monthly.rules


def test_fr_price_01_monthly_tariff_partner_parts(engines):
    result = price(engines, provider="fresh_ru", tariff="ПРОФ помесячно", months=12, partner={"csk": False}, kind="renewal")
    assert result.retail_price == Decimal("38652.00")  # the customer still pays at once
    assert result.partner_monthly == Decimal("2790.40") and result.partner_cost == Decimal("33484.80")


def test_fk_disc_01_and_fk_price_02(engines):
    assert price(engines, provider="fresh_kz", partner={"csk": False}).discount_percent == 20
    assert price(engines, provider="fresh_kz", partner={"csk": True, "service_desk_since": "2020-01-01"},
                 customer={"new_to_1c": True}).discount_percent == 50  # no raised tiers in Kazakhstan
    monthly = price(engines, provider="fresh_kz", tariff="ITSaaS РАСШИРЕННЫЙ (помесячно)", start="2026-11-25", created_on="2026-11-22")
    assert monthly.invoice_due == date(2026, 12, 31) and "FK-PRICE-02" in monthly.rules


def test_fk_price_01_period_prices(engines):
    one = price(engines, provider="fresh_kz", tariff="ITSaaS РАСШИРЕННЫЙ", months=1, partner={"csk": True})
    assert (one.retail_price, one.partner_cost, one.currency) == (Decimal("10000.00"), Decimal("5000.00"), "KZT")


def test_med_disc_01_and_med_price_01(engines):
    result = price(engines, provider="medicine", partner={"medicine_competence_centre": True}, created_on="2026-11-22")
    assert result.discount_percent == 40 and result.invoice_due == date(2026, 12, 10)
    assert "MED-PRICE-01" in result.rules


def test_med_onb_01_medicine_needs_the_competence_centre(engines):
    with pytest.raises(RuleViolation) as refused:
        price(engines, provider="medicine", partner={"csk": True})
    assert refused.value.rule == "MED-ONB-01"


def test_fr_sub_20_corp_needs_eligibility(engines):
    with pytest.raises(RuleViolation) as refused:
        price(engines, provider="fresh_ru", tariff="КОРП", partner={"csk": True})
    assert refused.value.rule == "FR-SUB-20"
    assert price(engines, provider="fresh_ru", tariff="КОРП", partner={"csk": True, "corp_eligible": True}).discount_percent == 50


def test_fam_onb_02_a_trial_tariff_is_not_a_paid_subscription(engines):
    with pytest.raises(RuleViolation) as refused:
        price(engines, provider="medicine", tariff="1С:Медицина. Больница через Интернет ТЕСТОВЫЙ",
              partner={"medicine_competence_centre": True})
    assert refused.value.rule == "FAM-ONB-02"


def test_fam_sub_05_addon_within_the_main_subscription(engines):
    main = {"start": "2026-11-02", "end": "2027-11-01"}
    ok = price(engines, provider="fresh_ru", kind="addon_sessions", quantity=3, start="2026-12-02", created_on="2026-11-22", main=main)
    assert ok.end == date(2027, 11, 1) and ok.months_charged == 11
    assert ok.retail_price == Decimal(690 * 11 * 3)
    for start, created in (("2026-11-01", "2026-10-30"), ("2026-11-20", "2026-11-22")):
        with pytest.raises(RuleViolation) as refused:
            price(engines, provider="fresh_ru", kind="addon_sessions", start=start, created_on=created, main=main)
        assert refused.value.rule == "FAM-SUB-05"
    with pytest.raises(RuleViolation):
        price(engines, provider="fresh_ru", kind="addon_bases", created_on="2027-11-02", main=main)
    with pytest.raises(RequestInvalid) as missing:
        price(engines, provider="fresh_ru", kind="addon_bases")
    assert missing.value.field == "main"


def test_fam_sub_09_upgrade_covers_the_main_end(engines):
    result = price(engines, provider="fresh_ru", kind="upgrade", start="2026-06-25", created_on="2026-06-25",
                   main={"start": "2026-05-15", "end": "2026-12-14"})
    assert result.months_charged == 6 and result.end >= date(2026, 12, 14)
    assert result.retail_price == Decimal(2540 * 6)


def test_fk_sub_17_its_tariff_at_most_eleven_months(engines):
    assert price(engines, provider="fresh_kz", tariff="ITSaaS РАСШИРЕННЫЙ для ИТС Каз.ПРОФ", months=11).retail_price == 0
    with pytest.raises(RuleViolation) as refused:
        price(engines, provider="fresh_kz", tariff="ITSaaS РАСШИРЕННЫЙ для ИТС Каз.ПРОФ", months=12)
    assert refused.value.rule == "FK-SUB-17"


def test_fr_sub_19_register_base_tariff_runs_999_days(engines):
    result = price(engines, provider="fresh_ru", tariff="250", start="2026-11-22")
    assert result.retail_price == 0 and (result.end - result.start).days == 998


def test_unknown_tariff_names_the_field(engines):
    with pytest.raises(RequestInvalid) as bad:
        price(engines, provider="fresh_ru", tariff="999")
    assert bad.value.field == "tariff"


def test_fk_disc_01_kazakh_csk_standing_is_its_own(engines):
    assert price(engines, provider="fresh_kz", partner={"csk": True, "kz_csk": False}).discount_percent == 20
    assert price(engines, provider="fresh_kz", partner={"csk": False, "kz_csk": True}).discount_percent == 50
    assert price(engines, provider="fresh_ru", partner={"csk": True, "kz_csk": False}).discount_percent == 50


def test_fr_sub_17_its_tariff_may_follow_earlier_subscriptions(engines):
    assert price(engines, provider="fresh_ru", tariff="99", kind="renewal", months=6).retail_price == 0


def test_fr_sub_18_tariff_codes(catalogs):
    names = {code: catalogs["fresh_ru"].tariff(code).name for code in ("102", "151", "105", "99", "98", "98п")}
    assert names["102"] == "ПРОФ" and names["151"] == "ПРОФ помесячно" and "ПРОФ" in names["105"]
    assert catalogs["fresh_ru"].tariff("151").monthly and catalogs["fresh_ru"].tariff("105").kind == "upgrade"
    assert {catalogs["fresh_ru"].tariff(c).kind for c in ("99", "98", "98п")} == {"its_transition"}
    # the label an offer shows ("102 ПРОФ") names the same tariff, so a quote's tariff can be ordered as shown
    assert catalogs["fresh_ru"].tariff("102 ПРОФ") is catalogs["fresh_ru"].tariff("102")
    assert catalogs["fresh_ru"].tariff(" 151  ПРОФ помесячно") is catalogs["fresh_ru"].tariff("151")


def test_fr_sub_21_fk_sub_21_partner_tariffs_are_capped(engines):
    for provider, tariff, rule in (("fresh_ru", "Партнер", "FR-SUB-21"), ("fresh_kz", "Партнерский", "FK-SUB-21")):
        with pytest.raises(RuleViolation) as too_long:
            price(engines, provider=provider, tariff=tariff, months=13)
        assert too_long.value.rule == rule
        # free: «бесплатного ведения учёта своей организации» (seed 000 «Тариф Партнер», seed 001 «Тариф Партнерский»)
        free = price(engines, provider=provider, tariff=tariff, months=12)
        assert free.retail_price == 0 and free.partner_cost == 0


def test_fr_disc_04_first_first_renewal_later_renewal():
    from pricing.discounts import subscription_kind

    assert [subscription_kind(n) for n in range(4)] == ["first", "first_renewal", "renewal", "renewal"]
