"""Enrollments, the outbox (operations and their attempts), events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "enrollments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("customer_id", sa.String(36), sa.ForeignKey("customers.id"), nullable=False, index=True),
        sa.Column("provider", sa.String(20), nullable=False, index=True),
        sa.Column("state", sa.String(30), nullable=False, index=True),
        sa.Column("tariff", sa.String(200), nullable=True),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("users", sa.JSON(), nullable=False),
        sa.Column("reference", sa.String(100), nullable=True),
        sa.Column("account", sa.String(100), nullable=True),
        sa.Column("certificates_requested_at", TS, nullable=True),
        sa.Column("certificates_issued_at", TS, nullable=True),
        sa.Column("access_requested_at", TS, nullable=True),
        sa.Column("trial_end", sa.Date(), nullable=True),
        sa.Column("egisz_approved_at", TS, nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("failed_in", sa.String(30), nullable=True),
        sa.Column("trial_ending_noticed", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "operations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("enrollment_id", sa.String(36), sa.ForeignKey("enrollments.id"), nullable=True, index=True),
        sa.Column("customer_id", sa.String(36), nullable=True, index=True),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("locked_by", sa.String(100), nullable=True),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("message_id", sa.String(200), nullable=True, index=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("ix_operations_due", "operations", ["status", "next_attempt_at"])
    op.create_table(
        "operation_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("operation_id", sa.Integer(), sa.ForeignKey("operations.id"), nullable=False, index=True),
        sa.Column("worker", sa.String(100), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("enrollment_id", sa.String(36), nullable=True),
        sa.Column("customer_id", sa.String(36), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("events", "operation_attempts", "operations", "enrollments"):
        op.drop_table(table)
