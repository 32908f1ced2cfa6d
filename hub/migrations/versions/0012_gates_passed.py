"""Gates generic: an enrollment's passed gates as one JSON column ``gates_passed`` ({gate: ISO instant}),
whatever gate a catalog tariff names (``gate``/``gate_rule``, e.g. MED-ONB-07's ЕГИСЗ approval), instead of
one column per gate. The recorded ЕГИСЗ approvals (``egisz_approved_at``) are carried over, then the column
is dropped; the downgrade puts them back.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

EGISZ = "egisz_approval"  # the one gate 0002 gave a column of its own (pricing/catalogs/medicine.json)
TS = sa.DateTime(timezone=True)
enrollments = sa.table("enrollments", sa.column("id", sa.String(36)), sa.column("egisz_approved_at", TS),
                       sa.column("gates_passed", sa.JSON()))


def _utc(value: datetime) -> datetime:
    """SQLite gives the stored UTC instant back without its zone; PostgreSQL with it."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def upgrade() -> None:
    with op.batch_alter_table("enrollments", recreate="never") as batch:  # plain ALTERs: operations refer to it
        batch.add_column(sa.Column("gates_passed", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    connection = op.get_bind()
    approved = connection.execute(sa.select(enrollments.c.id, enrollments.c.egisz_approved_at)
                                  .where(enrollments.c.egisz_approved_at.is_not(None))).all()
    for enrollment_id, at in approved:
        connection.execute(enrollments.update().where(enrollments.c.id == enrollment_id)
                           .values(gates_passed={EGISZ: _utc(at).isoformat()}))
    with op.batch_alter_table("enrollments", recreate="never") as batch:  # plain ALTERs: operations refer to it
        batch.drop_column("egisz_approved_at")


def downgrade() -> None:
    with op.batch_alter_table("enrollments", recreate="never") as batch:  # plain ALTERs: operations refer to it
        batch.add_column(sa.Column("egisz_approved_at", TS, nullable=True))
    connection = op.get_bind()
    for enrollment_id, gates in connection.execute(sa.select(enrollments.c.id, enrollments.c.gates_passed)).all():
        if (gates or {}).get(EGISZ):
            connection.execute(enrollments.update().where(enrollments.c.id == enrollment_id)
                               .values(egisz_approved_at=datetime.fromisoformat(gates[EGISZ])))
    with op.batch_alter_table("enrollments", recreate="never") as batch:  # plain ALTERs: operations refer to it
        batch.drop_column("gates_passed")
