"""Subscriptions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("customer_id", sa.String(36), sa.ForeignKey("customers.id"), nullable=False, index=True),
        sa.Column("provider", sa.String(20), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("pricing_kind", sa.String(20), nullable=True),
        sa.Column("tariff", sa.String(200), nullable=False),
        sa.Column("tariff_code", sa.String(20), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False, index=True),
        sa.Column("months_charged", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("retail", MONEY, nullable=False),
        sa.Column("discount_percent", sa.Integer(), nullable=True),
        sa.Column("partner_cost", MONEY, nullable=False),
        sa.Column("partner_monthly", MONEY, nullable=True),
        sa.Column("customer_price", MONEY, nullable=False),
        sa.Column("invoice_due", sa.Date(), nullable=True),
        sa.Column("paid_amount", MONEY, nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_document", sa.String(200), nullable=True),
        sa.Column("main_id", sa.String(36), nullable=True),
        sa.Column("seat_plan", sa.JSON(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("provider_number", sa.String(50), nullable=True),
        sa.Column("provider_data", sa.JSON(), nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("subscriptions")
