"""Subscriptions: paid tariffs, add-ons, upgrades, renewals, corrections and cancellations, and the
agreement between what the hub expected and what the provider reported."""
