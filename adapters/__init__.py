"""Provider adapters (one ProviderAdapter per provider, httpx + tenacity, SMTP).

Empty on purpose: the adapters arrive with issue 5. Nothing imports this package yet.
"""
