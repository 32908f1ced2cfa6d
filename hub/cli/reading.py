"""`hub quote`, `hub price`, `hub catalog` `hub report weekly` and `hub report its-sales`: what the API answers, on the command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import QuoteRequest, SubscriptionPriceRequest

from hub.cli.common import EXIT_BAD_INPUT, emit, read_input, settings_from, with_database
from hub.composition import clock_for
from hub.core.caller import Caller
from hub.core.exceptions import REFUSALS
from hub.core.input_guard import decode_body
from hub.core.problems import from_error, problem
from hub.partners import service as partners


def report_weekly(args: argparse.Namespace) -> int:
    from hub.reports import service as reports
    from hub.core.spreadsheet import to_csv, to_xlsx

    async def digest(session: AsyncSession):
        week = args.week or reports.current_week(clock_for(settings_from(args)).today())
        return await reports.weekly(session, Caller(args.partner_id, None, "viewer"), week, args.weeks_ahead)

    result = with_database(settings_from(args), digest)
    if args.format == "json":
        data = msgspec.json.format(msgspec.json.encode(result), indent=2) + b"\n"
    elif args.format == "csv":
        data = to_csv(reports.COLUMNS, reports.table(result))
    else:
        data = to_xlsx(f"Дайджест {result.week}", reports.COLUMNS, reports.table(result))
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def report_its_sales(args: argparse.Namespace) -> int:
    from hub.composition import compose
    from hub.reports import its_sales

    settings = settings_from(args)
    catalogs = compose(settings).pricing.catalogs

    async def report(session: AsyncSession) -> its_sales.ItsSalesReport:
        await partners.get_partner(session, args.partner_id)  # an unknown partner is said, not an empty report
        return await its_sales.report(session, Caller(args.partner_id, None, "viewer"), catalogs, args.month)

    emit(with_database(settings, report))
    return 0


def compute(args: argparse.Namespace) -> int:
    from hub.composition import compose

    request_type = QuoteRequest if args.command == "quote" else SubscriptionPriceRequest
    try:
        request = decode_body(read_input(args.file), request_type)
    except REFUSALS as exc:
        emit(from_error(exc), sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        emit(problem(400, "Unreadable input", str(exc)), sys.stderr)
        return EXIT_BAD_INPUT
    settings = settings_from(args)
    service = compose(settings).pricing
    try:
        own = with_database(settings, lambda s: partners.standing_of(s, args.partner)) if args.partner else None
        result = service.quote(request, own) if args.command == "quote" else service.price(request, own)
    except REFUSALS as exc:
        emit(from_error(exc), sys.stderr)
        return EXIT_BAD_INPUT
    emit(result)
    return 0


def catalog(args: argparse.Namespace) -> int:
    from hub.composition import compose

    service = compose(settings_from(args)).pricing
    if args.provider not in service.catalogs:
        emit(problem(404, "Not found", f"no provider {args.provider!r}"), sys.stderr)
        return EXIT_BAD_INPUT
    emit(service.catalog(args.provider))
    return 0
