"""The period a reconciliation covers: a month ("2026-12") for a Fresh-family statement, a quarter
("2026-Q4") for a Rarus agent report (RA-COMM-01: accrued monthly, paid quarterly)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pricing.periods import add_months, month_key

from hub.core.exceptions import InvalidField

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
QUARTER_STARTS = {1: 1, 2: 4, 3: 7, 4: 10}


@dataclass(frozen=True)
class Period:
    key: str  # "2026-12" or "2026-Q4"
    first_day: date
    months: tuple[str, ...]

    @property
    def is_quarter(self) -> bool:
        return len(self.months) == 3

    @property
    def year_quarter(self) -> tuple[int, int]:
        return self.first_day.year, (self.first_day.month - 1) // 3 + 1

    @property
    def last_day(self) -> date:
        return add_months(self.first_day, len(self.months)) - timedelta(days=1)


def parse(text: str, quarterly: bool) -> Period:
    """``text`` as the period of a statement (``quarterly`` False) or an agent report (True)."""
    found = (_QUARTER if quarterly else _MONTH).match(text.strip()) if isinstance(text, str) else None
    if found is None:
        expected = "a quarter like 2026-Q4 (RA-COMM-01: agent reports are quarterly)" if quarterly else \
            "a month like 2026-12 (statements are monthly)"
        raise InvalidField("period", f"{text!r} is not {expected}")
    year = int(found[1])
    if not 2000 <= year <= 2100:
        raise InvalidField("period", f"the year {year} is out of range (2000–2100)")
    first = date(year, QUARTER_STARTS[int(found[2])] if quarterly else int(found[2]), 1)
    count = 3 if quarterly else 1
    return Period(text.strip(), first, tuple(month_key(add_months(first, i)) for i in range(count)))
