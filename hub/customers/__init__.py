"""Customers: the partner's card of each customer (ИНН, contacts) — controller, schemas, service.

Public surface (``hub.customers.service``): ``create``, ``read``, ``update`` (stamped with the ``now`` the
caller's clock gives), ``search``, ``owned`` (the caller's customer, for the features that act on one),
``card_missing`` and ``CARD_FIELDS`` (what each provider's paid subscription still needs on the card,
FAM-ONB-04), ``validated``; the shapes ``CustomerCreate``, ``CustomerUpdate``, ``CustomerOut``, ``CustomerPage``.
"""
