"""A batch of further users of an enrolled customer (MED-ONB-02: «Каждый раз при добавлении новых пользователей
необходимо повторять этот шаг»): their certificate request, then adding them at the provider."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.core.db.models import Base, new_id
from hub.core.db.types import StructJSON, UTCDateTime


class UserBatch(Base):
    __tablename__ = "user_batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"), index=True)
    users: Mapped[list[dict[str, Any]]] = mapped_column(StructJSON, default=list)
    # requested → awaiting_certificates → certificates_issued → added; failed (the request rejected, or the provider refused them)
    state: Mapped[str] = mapped_column(String(30))
    certificates_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    certificates_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failure: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
