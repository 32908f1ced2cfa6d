"""Time zones as IANA names (e.g. Europe/Moscow, Asia/Almaty)."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def check_timezone(name: str) -> None:
    """Refuse anything that is not a known IANA zone (raised as a field error at decoding)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"timezone: {name!r} is not an IANA time zone, e.g. Europe/Moscow") from None
