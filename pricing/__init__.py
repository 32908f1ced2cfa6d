"""Pricing: money, periods, catalogs and one engine per offering. Pure: imports nothing of the hub.

Public surface::

    Money, Currency, round_minor                     money.py
    add_months, period_end, months_charged, ...      periods.py
    is_working_day, next_batch, MOSCOW               calendar.py
    Catalog, load_catalogs, CatalogError             catalog.py
    build_engines, FreshEngine, RarusEngine          engines/
    compare                                          compare.py
    QuoteRequest, SubscriptionPriceRequest, ...      requests.py
    Standing, StandingWhatIf, pricing_standing       standing.py
    PricingError, RequestInvalid, RuleViolation      errors.py
    PROMISED_PAYMENT_DAYS, downgrade_blocked, ...    subscription_rules.py (FAM-SUB-07/10/11, shared with the sandboxes)
"""
from .calendar import MOSCOW, is_working_day, next_batch, next_working_day
from .catalog import DEFAULT_CATALOG_DIR, PROVIDERS, SAMPLE_SOURCE, Catalog, CatalogError, load_catalog, load_catalogs
from .compare import check_standing, compare
from .engines import Engine, FreshEngine, RarusEngine, build_engines
from .errors import PricingError, RequestInvalid, RuleViolation
from .money import Currency, Money, round_minor
from .periods import add_months, calendar_month_invoice_period, month_key, months_charged, period_end
from .rarus_invoices import RarusInvoice, change_invoice, first_invoice, month_shares, renewal_invoice
from .standing import Standing, StandingWhatIf, pricing_standing, with_what_if
from .requests import (
    CustomerFacts,
    Offer,
    PartnerStanding,
    QuoteRequest,
    QuoteResponse,
    SeatGroup,
    SubscriptionPrice,
    SubscriptionPriceRequest,
)

__all__ = [
    "DEFAULT_CATALOG_DIR", "MOSCOW", "PROVIDERS", "SAMPLE_SOURCE", "Catalog", "CatalogError", "Currency", "CustomerFacts", "Engine",
    "FreshEngine", "Money", "Offer", "PartnerStanding", "PricingError", "QuoteRequest", "QuoteResponse",
    "RarusEngine", "RarusInvoice", "RequestInvalid", "RuleViolation", "SeatGroup", "Standing", "StandingWhatIf",
    "SubscriptionPrice", "SubscriptionPriceRequest",
    "add_months", "build_engines", "calendar_month_invoice_period", "change_invoice", "check_standing", "compare",
    "first_invoice", "is_working_day", "load_catalog", "load_catalogs", "month_key", "month_shares", "months_charged",
    "next_batch", "next_working_day", "period_end", "pricing_standing", "renewal_invoice", "round_minor", "with_what_if",
]
