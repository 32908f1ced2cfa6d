"""Shared infrastructure every feature stands on; nothing here knows a provider or imports a feature.

Public surface, one module each: ``db`` (engine, sessions, models, migrations), ``clock`` (the one
``Clock``: ``SystemClock``, ``FixedClock``, ``ControllableClock``) and ``control`` (POST /_control/clock on
a controllable one), ``settings``, ``auth`` and ``ratelimit``, ``idempotency``, ``audit``, ``outbox`` and
``worker`` (the claim-run-record loop) with ``steps`` (what a feature registers: ``Step``, ``Outcome``,
``Recorder``, ``StepContext``), ``mailbox`` and ``mailing`` (e-mail through the outbox), ``events`` and
``event_subjects`` (the per-partner feed), ``exceptions`` (the ``HubError`` tree) and ``errors``/``problems``
(their one translation to problem details), ``input_guard``, ``schemas`` (``Input``, the operation and
event shapes), ``paging``, ``tenancy``, ``identifiers``, ``timezones``, ``spreadsheet``, ``health``.
"""
