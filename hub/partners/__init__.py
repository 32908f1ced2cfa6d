"""The partner itself: its profile and standing, API keys, audit log and provider credentials.

Public surface: ``hub.partners.service`` — ``create_partner``, ``list_partners``, ``demo_partner``,
``get_partner``, ``standing_of`` (the standing as the pricing engines read it), ``update_partner``,
``create_key``, ``list_keys``, ``revoke_key``, ``authenticate``; ``hub.partners.credentials`` — the partner's
own provider accounts (``store``, ``remove``, ``read``, ``listing``, ``signed_in_as`` for the worker) kept
encrypted by ``Vault``. Whatever they stamp is stamped with the ``now`` their caller's clock gives.
"""
