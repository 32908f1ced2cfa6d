"""Transfers: customers moving to or from the partner, with the 24-hour decision window."""
