"""One engine per offering behind one interface: ``quote(need, standing, today) -> Offer``.

Fresh-family engines also price a single subscription: ``price(request, standing, today)``.
"""
from __future__ import annotations

from datetime import date
from typing import Protocol

from ..catalog import Catalog
from ..requests import Offer, PartnerStanding, QuoteRequest
from .fresh import FreshEngine
from .rarus import RarusEngine


class Engine(Protocol):
    catalog: Catalog

    def quote(self, need: QuoteRequest, standing: PartnerStanding, today: date) -> Offer: ...


def build_engines(catalogs: dict[str, Catalog]) -> dict[str, Engine]:
    """An engine for each catalog: Rarus terms select the Rarus engine, a discount policy the Fresh one."""
    engines: dict[str, Engine] = {}
    for provider, catalog in catalogs.items():
        engines[provider] = RarusEngine(catalog) if catalog.rarus is not None else FreshEngine(catalog)
    return engines


__all__ = ["Engine", "FreshEngine", "RarusEngine", "build_engines"]
