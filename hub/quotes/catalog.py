from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from pricing import Catalog

from hub.quotes import PricingService


class CatalogController(Controller):
    path = "/api/v1/catalog"
    tags = ["catalog"]

    @get("/{provider:str}", summary="A provider's loaded tariffs with prices and their sources", sync_to_thread=False)
    def read(self, provider: FromPath[str], pricing: NamedDependency[PricingService]) -> Catalog:
        return pricing.catalog(provider)
