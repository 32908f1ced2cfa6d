from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from providers.tables import CSV_MEDIA, XLSX_MEDIA, to_csv, to_xlsx

from ..exceptions import InvalidField
from ..services import reports
from ..services.pricing import PricingService


class ReportsController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]

    @get("/weekly", summary="The Monday digest: ending in the coming weeks, created last week (FAM-SUB-14)")
    async def weekly(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                     pricing: NamedDependency[PricingService], week: FromQuery[str | None] = None,
                     weeks_ahead: FromQuery[int] = 4, format: FromQuery[str] = "json") -> Response[Any]:
        """`week` is an ISO week (2026-W48; default: this week); `format` json, csv or xlsx."""
        if format not in ("json", "csv", "xlsx"):
            raise InvalidField("format", "json, csv or xlsx")
        digest = await reports.weekly(session, request.user, week or reports.current_week(pricing.clock.today()),
                                      weeks_ahead)
        if format == "csv":
            return Response(to_csv(reports.COLUMNS, reports.table(digest)), media_type=CSV_MEDIA)
        if format == "xlsx":
            return Response(to_xlsx(f"Дайджест {digest.week}", reports.COLUMNS, reports.table(digest)),
                            media_type=XLSX_MEDIA)
        return Response(digest)
