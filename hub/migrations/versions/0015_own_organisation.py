"""The partner's own organisation (issue 14): one customer per partner may be marked ``own`` — the one the
partner's own tariffs are for (FR-SUB-21, FK-SUB-21, MED-ONB-10, RA-ONB-07).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # in place, not a batch: on SQLite a batch copies the table, which the foreign keys to customers refuse
    op.add_column("customers", sa.Column("own", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("uq_customers_one_own", "customers", ["partner_id"], unique=True,
                    sqlite_where=sa.text("own"), postgresql_where=sa.text("own"))


def downgrade() -> None:
    op.drop_index("uq_customers_one_own", "customers")
    op.execute("ALTER TABLE customers DROP COLUMN own")  # in place (SQLite 3.35+), for the same reason
