"""Letters (issue 14): the e-mail requests the manuals prescribe (RULES §5, seed 003), as sent and tracked —
sent, answered, overdue.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "letters",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("customer_id", sa.String(36), nullable=True, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("to", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=True, index=True),
        sa.Column("answer_by", sa.Date(), nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("letters")
