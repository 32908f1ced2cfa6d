"""The reseller hub: API, services, CLI. ``create_app()`` in ``hub.app`` is the composition root."""
