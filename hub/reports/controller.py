from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.exceptions import REFUSALS, InvalidField
from hub.subscriptions.schemas import SubscriptionCreate
from hub.reports import churn, its_sales, service as reports
from hub.quotes.service import PricingService
from hub.core.spreadsheet import CSV_MEDIA, XLSX_MEDIA, attachment, to_csv, to_xlsx
from hub.subscriptions.service import Subscriptions


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
            return Response(to_csv(reports.COLUMNS, reports.table(digest)), media_type=CSV_MEDIA,
                            headers=attachment(reports.export_name(digest, "csv")))
        if format == "xlsx":
            return Response(to_xlsx(f"Дайджест {digest.week}", reports.COLUMNS, reports.table(digest)),
                            media_type=XLSX_MEDIA, headers=attachment(reports.export_name(digest, "xlsx")))
        return Response(digest)

    @get("/churn", summary="Churn per provider for a month (FAM-SUB-15); ITS transitions shown apart")
    async def churn_rate(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                         month: FromQuery[str]) -> list[churn.ChurnLine]:
        return await churn.rate(session, request.user, month)

    @get("/its-sales", summary="ITS «Сумма продаж на одного клиента» per customer for a month (FR-PRICE-03)")
    async def its_sales_report(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                        pricing: NamedDependency[PricingService], month: FromQuery[str]) -> its_sales.ItsSalesReport:
        """1С:Фреш sales that count toward the partner's ITS standing: ПРОФ and above in full (the customer's
        price per month paid for), «Акция. Базовый 12/15» 960 ₽ a month, the rest listed as not counted."""
        return await its_sales.report(session, request.user, pricing.catalogs, month)

    @get("/upsell", summary="Customers whose self-extension or promised payment signals an upsell")
    async def upsell(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> list[reports.UpsellSignal]:
        return await reports.upsell(session, request.user)

    @get("/notices", summary="Customer expiry notices due on a day: −7, −3, 0 and +5 days from the end (FAM-SUB-14)")
    async def notices(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                      pricing: NamedDependency[PricingService], on: FromQuery[date | None] = None) -> list[reports.Notice]:
        return await reports.notices(session, request.user, on or pricing.clock.today())

    @get("/renewals", summary="Subscriptions ending soon and not yet renewed, with the renewal's preview price")
    async def renewals(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                       pricing: NamedDependency[PricingService], subscriptions: NamedDependency[Subscriptions],
                       within_days: FromQuery[int] = 30) -> list[reports.RenewalDue]:
        async def preview(row: Any) -> Any:
            body = SubscriptionCreate(customer_id=row.customer_id, provider=row.provider, kind="renewal",
                                      renews_id=row.id, dry_run=True)
            try:
                return await subscriptions.create(session, request.user, body)
            except REFUSALS as exc:
                return {"refused": exc.message, "rule": exc.rule}

        return await reports.renewals_due(session, request.user, pricing.clock.today(), within_days, preview)
