"""Shared infrastructure every feature stands on: storage (``db``), the clock, settings, authentication
and rate limits, idempotency, audit, the outbox and its worker loop, events, errors and their
translation to problem details, input bounds, paging and tenancy. Nothing here knows a provider."""
