from datetime import date, datetime, timezone

from hub.core.clock import FixedClock
from pricing import MOSCOW, is_working_day, next_batch, next_working_day
from providers import certificate_issue_time


def test_cal_02_russian_holidays_and_transferred_saturdays():
    assert not is_working_day(date(2026, 11, 4), "RU")  # Unity Day
    assert not is_working_day(date(2025, 11, 3), "RU")  # transferred day off
    assert is_working_day(date(2025, 11, 1), "RU")  # a working Saturday
    assert next_working_day(date(2026, 11, 3), "RU") == date(2026, 11, 5)


def test_cal_02_kazakh_calendar_is_its_own():
    assert not is_working_day(date(2026, 12, 16), "KZ")  # Independence Day
    assert is_working_day(date(2026, 12, 16), "RU")


def test_cal_01_deadlines_are_moscow_time():
    # 06:59 UTC is 09:59 in Moscow: still before the 10:00 batch
    assert next_batch(datetime(2026, 11, 18, 6, 59, tzinfo=timezone.utc)) == datetime(2026, 11, 18, 10, 0, tzinfo=MOSCOW)
    assert next_batch(datetime(2026, 11, 18, 7, 0, tzinfo=timezone.utc)) == datetime(2026, 11, 19, 10, 0, tzinfo=MOSCOW)
    late_utc = FixedClock(datetime(2026, 11, 21, 22, 0, tzinfo=timezone.utc))
    assert late_utc.today() == date(2026, 11, 22)  # already the 22nd in Moscow


def test_med_onb_03_batch_skips_a_public_holiday():
    # 3 Nov 2026 after 10:00 → 4 Nov is Unity Day → issued 5 Nov
    assert certificate_issue_time(datetime(2026, 11, 3, 11, 0, tzinfo=MOSCOW)) == datetime(2026, 11, 5, 10, 0, tzinfo=MOSCOW)
    # on a day off, even before 10:00, the next working day's batch
    assert certificate_issue_time(datetime(2026, 11, 21, 9, 0, tzinfo=MOSCOW)) == datetime(2026, 11, 23, 10, 0, tzinfo=MOSCOW)
