"""HTTP controllers: parse, call one service method, return a msgspec Struct."""
from .catalog import CatalogController
from .credentials import CredentialsController
from .customers import CustomersController
from .enrollments import EnrollmentsController, EventsController, OperationsController
from .health import health
from .partner import AuditController, PartnerController
from .quotes import PricesController, QuotesController
from .reports import ReportsController
from .subscriptions import SubscriptionsController
from .transfers import TransfersController

ROUTES = [health, QuotesController, PricesController, CatalogController, CustomersController, PartnerController,
          AuditController, EnrollmentsController, OperationsController, EventsController, SubscriptionsController,
          ReportsController, TransfersController, CredentialsController]

__all__ = ["ROUTES"]
