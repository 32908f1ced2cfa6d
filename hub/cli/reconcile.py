"""`hub reconcile PROVIDER PERIOD`: the accountant's reconciliation on the command line — the provider's
document fetched (or --file), the run stored as through the API, printed as JSON (or CSV/XLSX)."""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import msgspec
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from hub.cli.common import EXIT_BAD_INPUT, emit, settings_from
from hub.composition import compose
from hub.core.caller import Caller
from hub.core.db import Database
from hub.core.problems import problem
from hub.partners import service as partners
from hub.reconciliation import export
from hub.reconciliation.fetching import attribution_for, fetch_for, signer

LINE_FIELDS = ("number", "line", "category", "reason", "rule", "subscription", "reference", "month", "expected", "billed",
               "expected_retail", "billed_retail", "expected_discount", "billed_discount")


def reconcile(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        document = Path(args.file).read_bytes() if args.file else None
    except OSError as exc:
        emit(problem(400, "Unreadable input", str(exc)), sys.stderr)
        return EXIT_BAD_INPUT
    if args.output and not Path(args.output).resolve().parent.is_dir():
        emit(problem(400, "Bad output", f"no folder {Path(args.output).resolve().parent} for --output"), sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "xlsx" and not args.output and sys.stdout.isatty():
        emit(problem(400, "Bad output", "an XLSX workbook is not for a terminal: give --output FILE"), sys.stderr)
        return EXIT_BAD_INPUT
    hub = compose(settings)

    async def run() -> tuple[Any, list[Any]]:
        db, adapters = Database(settings.database), hub.adapters()
        try:
            await db.upgrade()
            async with db.sessions() as session:
                partner_id = args.partner or await _only_partner(session)
                caller = Caller(partner_id, None, "operator")
                await partners.get_partner(session, partner_id)
                sign_in = signer(db, lambda: hub.vault, adapters, partner_id, args.provider)
                with _progress(document) as step:
                    step("reading and matching")
                    made = await hub.reconciliations.run(
                        session, caller, args.provider, args.period, document=document,
                        filename=Path(args.file).name if args.file else None,
                        fetch=None if document is not None else fetch_for(sign_in, args.provider),
                        attribution=attribution_for(sign_in, args.provider))
                    step("storing the run")
                    lines = await hub.reconciliations.all_lines(session, caller, made.id)
                await session.commit()
                return made, lines
        finally:
            await adapters.close()
            await db.dispose()

    made, lines = asyncio.run(run())
    if args.format == "json":
        body = msgspec.json.format(msgspec.json.encode({
            "id": made.id, "provider": made.provider, "period": made.period, "source": made.source,
            "currency": made.currency, "summary": made.summary, "totals": made.totals, "notes": made.notes,
            "lines": [{f: getattr(line, f) for f in LINE_FIELDS} for line in lines]}), indent=2) + b"\n"
    elif args.format == "csv":
        body = export.csv(lines)
    else:
        body = export.xlsx(made, lines)
    if args.output:
        Path(args.output).write_bytes(body)
        print(f"reconciliation {made.id}: {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
    return 0


async def _only_partner(session: Any) -> str:
    listed = await partners.list_partners(session)
    if len(listed) != 1:
        from hub.core.exceptions import InvalidField

        raise InvalidField("partner", f"{len(listed)} partners here: name one with --partner ID")
    return listed[0].id


class _progress:
    """A spinner with the stage on stderr for a large file (over 1 MB) on a terminal; silent otherwise."""

    def __init__(self, document: bytes | None) -> None:
        self.shown = bool(document and len(document) > 1_000_000 and sys.stderr.isatty())
        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True,
                            console=None) if self.shown else None
        self.task: Any = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if self.bar is not None:
            self.bar.start()
            self.task = self.bar.add_task("starting", total=None)
        return self.step

    def step(self, what: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, description=what)

    def __exit__(self, *_: Any) -> None:
        if self.bar is not None:
            self.bar.stop()
