"""HTTP controllers: parse, call one service method, return a msgspec Struct."""
from hub.quotes.catalog import CatalogController
from hub.partners.credentials_controller import CredentialsController
from hub.customers.controller import CustomersController
from hub.onboarding.controller import EnrollmentsController, EventsController, OperationsController
from hub.core.health import health
from hub.letters.controller import MailController
from hub.partners.controller import AuditController, PartnerController
from hub.quotes.controller import PricesController, QuotesController
from hub.reconciliation.controller import ReconciliationsController
from hub.reports.controller import ReportsController
from hub.subscriptions.controller import SubscriptionsController
from hub.transfers.controller import TransfersController

ROUTES = [health, QuotesController, PricesController, CatalogController, CustomersController, PartnerController,
          AuditController, EnrollmentsController, OperationsController, EventsController, SubscriptionsController,
          ReportsController, TransfersController, CredentialsController, ReconciliationsController,
          MailController]

__all__ = ["ROUTES"]
