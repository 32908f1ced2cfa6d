"""Filtered, counted, paginated listings: one way for every resource."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.exceptions import InvalidField

T = TypeVar("T")
MAX_PAGE = 200


class Page(msgspec.Struct, Generic[T]):
    """One window of a listing, for every resource. A named page subclasses it and restates ``items`` with
    its item type — ``class SubscriptionPage(Page[SubscriptionOut]): items: list[SubscriptionOut]`` — since
    the OpenAPI document neither resolves a generic base nor names a bare ``Page[X]`` readably."""

    items: list[T]
    total: int
    limit: int
    offset: int


def check_window(limit: int, offset: int, most: int = MAX_PAGE) -> None:
    if not 1 <= limit <= most:
        raise InvalidField("limit", f"between 1 and {most}")
    if offset < 0:
        raise InvalidField("offset", "not negative")


def matching(*pairs: tuple[Any, Any]) -> list[Any]:
    """``column == value`` for every pair whose value was given."""
    return [column == value for column, value in pairs if value is not None]


async def page(session: AsyncSession, model: Any, where: Iterable[Any], order: Iterable[Any], limit: int, offset: int,
               convert: Callable[[Any], T]) -> tuple[list[T], int]:
    where, order = list(where), list(order)
    check_window(limit, offset)
    total = await session.scalar(select(func.count()).select_from(model).where(*where))
    rows = await session.scalars(select(model).where(*where).order_by(*order).limit(limit).offset(offset))
    return [convert(row) for row in rows], total or 0
