"""Customers: the partner's card of each customer (ИНН, contacts) — controller, schemas, service."""
