"""Reconciliation runs and their lines (issue 12): a provider's statement or agent report checked
against the hub's ledger, each line in one category with its reason, and the accountant's resolution.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "reconciliations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("filename", sa.String(200), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("payout", sa.JSON(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "reconciliation_lines",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("reconciliation_id", sa.String(36), sa.ForeignKey("reconciliations.id"), nullable=False, index=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(30), nullable=False, index=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(100), nullable=True),
        sa.Column("subscription_id", sa.String(36), nullable=True),
        sa.Column("reference", sa.String(200), nullable=True),
        sa.Column("month", sa.String(7), nullable=True),
        sa.Column("expected", MONEY, nullable=True),
        sa.Column("billed", MONEY, nullable=True),
        sa.Column("expected_retail", MONEY, nullable=True),
        sa.Column("billed_retail", MONEY, nullable=True),
        sa.Column("expected_discount", sa.String(20), nullable=True),
        sa.Column("billed_discount", sa.String(20), nullable=True),
        sa.Column("resolution", sa.String(20), nullable=True),
        sa.Column("resolution_comment", sa.Text(), nullable=True),
        sa.Column("resolved_at", TS, nullable=True),
    )
    op.create_index("ix_reconciliation_lines_run_number", "reconciliation_lines", ["reconciliation_id", "number"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_reconciliation_lines_run_number", table_name="reconciliation_lines")
    op.drop_table("reconciliation_lines")
    op.drop_table("reconciliations")
