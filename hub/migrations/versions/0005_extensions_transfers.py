"""Self-extension and promised payment on subscriptions; transfers between partners.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as table:
        table.add_column(sa.Column("extension", sa.String(20), nullable=True))
        table.add_column(sa.Column("extended_until", sa.Date(), nullable=True))
    op.create_table(
        "transfers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("customer_id", sa.String(36), sa.ForeignKey("customers.id"), nullable=False, index=True),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("other_partner", sa.String(300), nullable=False),
        sa.Column("subscription_end", sa.Date(), nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("answer_by", TS, nullable=True),
        sa.Column("early", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("transfers")
    with op.batch_alter_table("subscriptions") as table:
        table.drop_column("extended_until")
        table.drop_column("extension")
