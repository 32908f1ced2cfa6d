"""HTTP controllers: parse, call one service method, return a msgspec Struct."""
from .catalog import CatalogController
from .health import health
from .quotes import PricesController, QuotesController

ROUTES = [health, QuotesController, PricesController, CatalogController]

__all__ = ["ROUTES"]
