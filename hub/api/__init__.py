"""HTTP controllers: parse, call one service method, return a msgspec Struct."""
from .catalog import CatalogController
from .customers import CustomersController
from .health import health
from .partner import AuditController, PartnerController
from .quotes import PricesController, QuotesController

ROUTES = [health, QuotesController, PricesController, CatalogController, CustomersController, PartnerController,
          AuditController]

__all__ = ["ROUTES"]
