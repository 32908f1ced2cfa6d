"""Use cases of the hub; controllers and the CLI call these and nothing below them."""
from .pricing import PricingService

__all__ = ["PricingService"]
