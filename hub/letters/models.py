"""A letter the hub sent to a provider's or 1C's mailbox and what became of it: tenant-scoped."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.core.db.models import Base, new_id
from hub.core.db.types import StructJSON, UTCDateTime


class Letter(Base):
    __tablename__ = "letters"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(20))
    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    rule: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]] = mapped_column(StructJSON, default=dict)  # as sent, with the hub's own values
    attachments: Mapped[list[str]] = mapped_column(StructJSON, default=list)
    operation_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    answer_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failure: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
