"""Providers' e-mail answers as received, kept until the enrollment can take them (issue 10, onboarding §1).

A medicine «Сертификаты выпущены» may arrive before the worker has recorded the certificate request
as sent (it was killed in between): the answer is stored with outcome ``stored_until_request_sent``
and applied when the request is recorded.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_mail",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), nullable=False, index=True),
        sa.Column("enrollment_id", sa.String(36), nullable=True),
        sa.Column("operation_id", sa.Integer(), nullable=True),
        sa.Column("in_reply_to", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(320), nullable=True),
        sa.Column("answer", sa.String(20), nullable=True),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_inbound_mail_enrollment_outcome", "inbound_mail", ["enrollment_id", "outcome"])


def downgrade() -> None:
    op.drop_index("ix_inbound_mail_enrollment_outcome", table_name="inbound_mail")
    op.drop_table("inbound_mail")
