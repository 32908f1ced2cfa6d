"""Columns wide enough for every value the API accepts (audit actions such as certificates_confirmed).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("action", type_=sa.String(40), existing_type=sa.String(20), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("action", type_=sa.String(20), existing_type=sa.String(40), existing_nullable=False)
