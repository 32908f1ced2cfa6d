"""HTTP controllers: parse, call one service method, return a msgspec Struct."""
from .catalog import CatalogController
from .customers import CustomersController
from .enrollments import EnrollmentsController, EventsController, OperationsController
from .health import health
from .partner import AuditController, PartnerController
from .quotes import PricesController, QuotesController
from .reports import ReportsController
from .subscriptions import SubscriptionsController

ROUTES = [health, QuotesController, PricesController, CatalogController, CustomersController, PartnerController,
          AuditController, EnrollmentsController, OperationsController, EventsController, SubscriptionsController,
          ReportsController]

__all__ = ["ROUTES"]
