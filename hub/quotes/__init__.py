"""Quotes: one customer need priced on every eligible cloud, with the partner's earnings; the catalog."""
from hub.quotes.service import PricingService

__all__ = ["PricingService"]
