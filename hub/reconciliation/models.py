"""A reconciliation run and its lines: tenant-scoped, stored as the accountant saw them."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.core.db.models import Base, new_id
from hub.core.db.types import StructJSON, UTCDateTime


class Reconciliation(Base):
    __tablename__ = "reconciliations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(String(10))  # fetched | uploaded
    filename: Mapped[str | None] = mapped_column(String(200), nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    summary: Mapped[dict[str, Any]] = mapped_column(StructJSON)
    totals: Mapped[dict[str, Any]] = mapped_column(StructJSON)
    notes: Mapped[list[str]] = mapped_column(StructJSON, default=list)  # e.g. RA-COMM-03: why there is no report
    payout: Mapped[dict[str, Any] | None] = mapped_column(StructJSON, nullable=True)  # RA-COMM-02 once the act is given
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReconciliationLine(Base):
    __tablename__ = "reconciliation_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reconciliation_id: Mapped[str] = mapped_column(ForeignKey("reconciliations.id"), index=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1… within its run
    line: Mapped[int | None] = mapped_column(Integer, nullable=True)  # in the provider's file
    category: Mapped[str] = mapped_column(String(30), index=True)
    reason: Mapped[str] = mapped_column(Text)
    rule: Mapped[str | None] = mapped_column(String(100), nullable=True)
    subscription_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(200), nullable=True)  # subscription number or login
    month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    expected: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    billed: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    expected_retail: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    billed_retail: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    expected_discount: Mapped[str | None] = mapped_column(String(20), nullable=True)
    billed_discount: Mapped[str | None] = mapped_column(String(20), nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(20), nullable=True)  # disputed | accepted
    resolution_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
