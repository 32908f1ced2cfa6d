"""Where a provider's figures differ from the hub's, on the subscription; a Rarus order's options (issue 10).

``subscriptions.discrepancies``: the provider's figures that differ from the hub's expectation, each
{field, expected, provider, cause, found_at, step}. ``subscriptions.options``: the Rarus options the hub
priced, sent to the provider with the order.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("discrepancies", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("options", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("options")
        batch.drop_column("discrepancies")
