"""Alembic environment: runs on the connection the hub hands over (see hub/core/db/engine.py)."""
from __future__ import annotations

from alembic import context

from hub.core.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `hub db upgrade` (Database.upgrade), which supplies the connection")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
