"""Reconciling one provider's document for one period: read it (fetched or uploaded), derive the ledger,
match, total, store the run with its lines — all in the caller's transaction, nothing stored on a refusal.

The columnar parts (statements, ledger, matching, totals: polars, ≈0.3 s to import) load with the first run,
not with the hub: reading runs and their lines needs none of them (issue 15: a cold start within 1 s)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import Catalog
from providers import PROFILES

from hub.core import audit
from hub.core.caller import Caller
from hub.core.clock import Clock
from hub.core.exceptions import InvalidField, NotFound
from hub.core.tenancy import owned_row
from hub.core.mailbox import partner_code
from hub.partners.service import get_partner, standing_of
from hub.reconciliation import periods
from hub.reconciliation.documents import AGENT_REPORT, layout_of
from hub.reconciliation.models import Reconciliation, ReconciliationLine
from hub.reconciliation.schemas import CATEGORIES, LineOut, LinePage, ReconciliationOut, Resolution

if TYPE_CHECKING:
    import polars as pl

Fetch = Callable[[periods.Period], Awaitable[tuple[bytes, list[str]]]]  # the document and notes; NoDocument if none


class NoDocument(Exception):
    """The provider publishes no document for the period (RA-COMM-03); the message is the provider's."""
Attribution = Callable[[list[str]], Awaitable[set[str]]]  # logins → those the cabinet does not attribute


class Reconciliations:
    def __init__(self, catalogs: dict[str, Catalog], clock: Clock) -> None:
        self.catalogs, self.clock = catalogs, clock

    def period(self, provider: str, text: str) -> periods.Period:
        if provider not in PROFILES or provider not in self.catalogs:
            raise InvalidField("provider", f"one of {', '.join(sorted(self.catalogs))}")
        return periods.parse(text, quarterly=layout_of(provider) is AGENT_REPORT)

    async def run(self, session: AsyncSession, caller: Caller, provider: str, period_text: str, *,
                  document: bytes | None = None, filename: str | None = None, fetch: Fetch | None = None,
                  attribution: Attribution | None = None) -> ReconciliationOut:
        import polars as pl

        from hub.reconciliation import ledger, matching, statements
        from hub.reconciliation.explain import discount_cause
        from hub.reconciliation.totals import totals

        period = self.period(provider, period_text)
        layout = layout_of(provider)
        notes: list[str] = []
        if document is None and fetch is not None:
            try:
                document, fetched_notes = await fetch(period)
                notes += fetched_notes
            except NoDocument as exc:
                notes.append(f"the provider publishes no document for {period.key}: {exc} (RA-COMM-03)")
        table = statements.read(document, layout) if document is not None else statements.empty(layout)
        catalog = self.catalogs[provider]
        if layout is AGENT_REPORT:
            standing = await standing_of(session, caller.partner_id)
            expected = await ledger.agent_report(session, caller.partner_id, provider, period, standing.rarus_commission_percent)
            code = stored_code(await get_partner(session, caller.partner_id), provider)  # the same row: no query
            notes += _no_report_reasons(code, expected) if document is None else []
            outsiders = await attribution(expected["reference"].unique().to_list()) if attribution and expected.height else set()
            lines = matching.agent_report(expected, table, outsiders, period.months)
        else:
            expected = await ledger.statement(session, caller.partner_id, provider, period)
            lines = matching.statement(expected, table, period.key, self.clock.today(), discount_cause(catalog))
        lines = lines.sort(["line", "reference"], nulls_last=True)
        run = Reconciliation(partner_id=caller.partner_id, provider=provider, period=period.key,
                             source="uploaded" if filename is not None or fetch is None else "fetched",
                             filename=filename, currency=catalog.currency, summary=matching.summary(lines),
                             totals=totals(lines, expected, layout is AGENT_REPORT), notes=notes,
                             created_at=self.clock.now())
        session.add(run)
        await session.flush()
        if lines.height:
            rows = lines.with_row_index("number", offset=1).with_columns(
                pl.lit(run.id).alias("reconciliation_id"), pl.lit(caller.partner_id).alias("partner_id")).to_dicts()
            await session.execute(insert(ReconciliationLine), rows)
        audit.record(session, caller, "reconciliation", run.id, "create",
                     after={"provider": provider, "period": period.key, "totals": run.totals})
        return self.out(run)

    @staticmethod
    def out(run: Reconciliation) -> ReconciliationOut:
        return ReconciliationOut(run.id, run.provider, run.period, run.source, run.filename, run.currency,
                                 run.summary, run.totals, list(run.notes or []), run.payout,
                                 run.created_at.astimezone(timezone.utc))  # as stored, whichever clock made it

    async def read(self, session: AsyncSession, caller: Caller, run_id: str) -> ReconciliationOut:
        return self.out(await owned_row(session, Reconciliation, caller, run_id, "reconciliation"))

    async def search(self, session: AsyncSession, caller: Caller, provider: str | None, limit: int,
                     offset: int) -> list[ReconciliationOut]:
        query = select(Reconciliation).where(Reconciliation.partner_id == caller.partner_id)
        if provider:
            query = query.where(Reconciliation.provider == provider)
        rows = await session.scalars(query.order_by(Reconciliation.created_at.desc()).limit(limit).offset(offset))
        return [self.out(r) for r in rows]

    async def lines(self, session: AsyncSession, caller: Caller, run_id: str, category: str | None,
                    limit: int, offset: int) -> LinePage:
        run = await owned_row(session, Reconciliation, caller, run_id, "reconciliation")
        if category is not None and category not in CATEGORIES:
            raise InvalidField("category", f"one of {', '.join(CATEGORIES)}")
        where = [ReconciliationLine.reconciliation_id == run.id]
        if category:
            where.append(ReconciliationLine.category == category)
        total = await session.scalar(select(func.count()).select_from(ReconciliationLine).where(*where)) or 0
        rows = await session.scalars(select(ReconciliationLine).where(*where).order_by(ReconciliationLine.number)
                                     .limit(limit).offset(offset))
        return LinePage([_line(r) for r in rows], total, limit, offset)

    async def all_lines(self, session: AsyncSession, caller: Caller, run_id: str) -> list[LineOut]:
        run = await owned_row(session, Reconciliation, caller, run_id, "reconciliation")
        rows = await session.scalars(select(ReconciliationLine).where(ReconciliationLine.reconciliation_id == run.id)
                                     .order_by(ReconciliationLine.number))
        return [_line(r) for r in rows]

    async def resolve(self, session: AsyncSession, caller: Caller, run_id: str, number: int,
                      data: Resolution) -> LineOut:
        run = await owned_row(session, Reconciliation, caller, run_id, "reconciliation")
        row = await session.scalar(select(ReconciliationLine).where(
            ReconciliationLine.reconciliation_id == run.id, ReconciliationLine.number == number).with_for_update())
        if row is None:
            raise NotFound(f"no line {number} in reconciliation {run_id}")
        if row.category == "matched":
            raise InvalidField("line", "a matched line has no difference to resolve")
        before = _line(row)
        row.resolution, row.resolution_comment, row.resolved_at = data.resolution, data.comment, self.clock.now()
        after = _line(row)
        audit.record(session, caller, "reconciliation_line", run.id, "resolve", before, after)  # the line: its number
        return after


def _line(row: ReconciliationLine) -> LineOut:
    return LineOut(row.number, row.line, row.category, row.reason, row.rule, row.subscription_id, row.reference,
                   row.month, row.expected, row.billed, row.expected_retail, row.billed_retail,
                   row.expected_discount, row.billed_discount, row.resolution, row.resolution_comment, row.resolved_at)


def stored_code(partner: Any, provider: str) -> str | None:
    """The partner's code at ``provider`` as its standing stores it (mailbox.partner_code's, None for its "—")."""
    code = partner_code(partner, provider)
    return None if code == "—" else str(code)


def _no_report_reasons(code: str | None, expected: pl.DataFrame) -> list[str]:
    """RA-COMM-03: why a quarter has no agent report, as far as the hub can tell."""
    reasons = []
    if not code or len(code) != 4:
        reasons.append(f"the partner code in the profile is {'missing' if not code else repr(code)}: the cabinet "
                       "publishes documents only for a 4-character code (RA-COMM-03, RA-ONB-08)")
    paid = int(expected["paid"].sum()) if expected.height else 0
    if not paid:
        reasons.append("no paying clients in the quarter by the hub's records: nothing to pay (RA-COMM-03)")
    else:
        reasons.append(f"the hub has {paid} paid client-month(s) in the quarter: ask the provider for the report")
    return reasons

