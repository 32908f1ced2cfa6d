"""Working days and provider deadlines (RULES CAL-01, CAL-02).

Working days come from the ``holidays`` package: public holidays, transferred
days off and transferred working Saturdays of Russia ("RU") and Kazakhstan ("KZ").
Provider deadlines are Moscow time unless a profile says otherwise.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

MOSCOW = ZoneInfo("Europe/Moscow")


@lru_cache(maxsize=8)
def _calendar(country: str) -> holidays.HolidayBase:
    import holidays  # with the first date that needs it, not at the hub's start (issue 15)

    return holidays.country_holidays(country)


def is_working_day(day: date, country: str = "RU") -> bool:
    return _calendar(country).is_working_day(day)


def next_working_day(day: date, country: str = "RU") -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day, country):
        day += timedelta(days=1)
    return day


def next_batch(
    requested_at: datetime,
    batch_time: time = time(10, 0),
    tz: ZoneInfo = MOSCOW,
    country: str = "RU",
) -> datetime:
    """When a request joins a daily working-day batch (MED-ONB-03: certificates at 10:00 Moscow).

    A request received before the batch time of a working day is in that day's
    batch; any later one, or one on a day off, goes to the next working day's.
    """
    if requested_at.tzinfo is None:
        raise ValueError("requested_at must be timezone-aware")
    local = requested_at.astimezone(tz)
    day = local.date()
    if not (is_working_day(day, country) and local.time() < batch_time):
        day = next_working_day(day, country)
    return datetime.combine(day, batch_time, tzinfo=tz)
