from datetime import date

import pytest

from pricing import add_months, calendar_month_invoice_period, months_charged, period_end


def test_cal_03_month_end_clamps():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert period_end(date(2026, 1, 31), 1) == date(2026, 2, 27)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_fam_sub_02_end_is_start_plus_period_minus_a_day():
    assert period_end(date(2022, 7, 12), 1) == date(2022, 8, 11)
    assert period_end(date(2026, 1, 1), 12) == date(2026, 12, 31)
    with pytest.raises(ValueError):
        period_end(date(2026, 1, 1), 0)


def test_cal_03_fam_sub_09_a_started_month_counts_in_full():
    assert months_charged(date(2026, 5, 15), date(2026, 5, 15)) == 1
    assert months_charged(date(2026, 6, 25), date(2026, 12, 14)) == 6
    assert months_charged(date(2026, 7, 15), date(2026, 12, 14)) == 5
    assert months_charged(date(2026, 7, 15), date(2026, 12, 15)) == 6


def test_ra_bill_01_first_half_runs_to_the_month_end():
    assert calendar_month_invoice_period(date(2021, 10, 5), 1) == (date(2021, 10, 5), date(2021, 10, 31))
    assert calendar_month_invoice_period(date(2021, 10, 20), 1) == (date(2021, 10, 20), date(2021, 11, 30))
    assert calendar_month_invoice_period(date(2021, 10, 20), 3) == (date(2021, 10, 20), date(2022, 1, 31))
