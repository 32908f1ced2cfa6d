"""Request and response shapes of the hub's own resources (pricing shapes live in pricing.requests)."""
