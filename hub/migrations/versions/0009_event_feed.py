"""A gap-free event feed: each event's position in its partner's feed, assigned at commit (issue 10 §1).

``events.seq`` is the cursor of ``GET /api/v1/events``; ``event_counters`` holds each partner's last
position, locked by the committing transaction (see hub/core/events.py). Events already there keep
their id as their position and each counter starts at the partner's newest id, so a client's stored
cursor still means what it meant.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_counters",
        sa.Column("partner_id", sa.String(36), sa.ForeignKey("partners.id"), primary_key=True),
        sa.Column("last", sa.BigInteger(), nullable=False),
    )
    op.add_column("events", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.execute("UPDATE events SET seq = id")
    op.execute("INSERT INTO event_counters (partner_id, last)"
               " SELECT partner_id, MAX(id) FROM events GROUP BY partner_id")
    op.create_index("uq_events_partner_seq", "events", ["partner_id", "seq"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_events_partner_seq", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("seq")
    op.drop_table("event_counters")
