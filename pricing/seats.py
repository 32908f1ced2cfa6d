"""Seat plans: how many concurrent connections (сеансы) a plan needs (RA-PRICE-02)."""
from __future__ import annotations

from .errors import RequestInvalid
from .requests import SeatGroup


def check_modes(seat_plan: list[SeatGroup]) -> None:
    for i, group in enumerate(seat_plan):
        if len(set(group.configurations)) != len(group.configurations):
            raise RequestInvalid(f"seat_plan[{i}].configurations", "a configuration is listed twice")
        if group.mode == "single" and len(group.configurations) != 1:
            raise RequestInvalid(
                f"seat_plan[{i}].mode", "mode 'single' takes exactly one configuration; use 'alternate' or 'simultaneous'"
            )


def group_connections(group: SeatGroup) -> int:
    """Alternate users hold one connection each; simultaneous ones one per configuration."""
    per_user = len(group.configurations) if group.mode == "simultaneous" else 1
    return group.users * per_user


def connections(seat_plan: list[SeatGroup]) -> int:
    return sum(group_connections(g) for g in seat_plan)


def configurations(seat_plan: list[SeatGroup]) -> list[str]:
    seen: dict[str, None] = {}
    for g in seat_plan:
        seen.update(dict.fromkeys(g.configurations))
    return list(seen)


def users(seat_plan: list[SeatGroup]) -> int:
    return sum(g.users for g in seat_plan)
