"""The ``hub`` command.

    hub serve [--host H] [--port P] [--catalog-dir DIR]
    hub quote FILE|-      a quote request (JSON) → the response of POST /api/v1/quotes
    hub price FILE|-      a subscription price request → the response of POST /api/v1/prices/subscription
    hub catalog PROVIDER  the loaded catalog, as GET /api/v1/catalog/{provider}

Bad input prints the API's problem-details JSON on stderr and exits 2.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec

from pricing import CatalogError, PricingError, QuoteRequest, SubscriptionPriceRequest

from .clock import SystemClock
from .problems import from_msgspec, from_pricing_error, problem
from .settings import Settings

EXIT_BAD_INPUT = 2


def _read(source: str) -> bytes:
    return sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()


def _emit(value: Any, stream=None) -> None:
    stream = stream or sys.stdout
    stream.write(msgspec.json.format(msgspec.json.encode(value), indent=2).decode() + "\n")


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    if getattr(args, "catalog_dir", None):
        settings = replace(settings, catalog_dir=Path(args.catalog_dir))
    if getattr(args, "host", None):
        settings = replace(settings, host=args.host)
    if getattr(args, "port", None):
        settings = replace(settings, port=args.port)
    return settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    settings = _settings(args)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
    return 0


def _compute(args: argparse.Namespace) -> int:
    from .app import build_pricing

    request_type = QuoteRequest if args.command == "quote" else SubscriptionPriceRequest
    try:
        request = msgspec.json.decode(_read(args.file), type=request_type)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        _emit(from_msgspec(exc), sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        _emit(problem(400, "Unreadable input", str(exc)), sys.stderr)
        return EXIT_BAD_INPUT
    service = build_pricing(_settings(args), SystemClock())
    try:
        result = service.quote(request) if args.command == "quote" else service.price(request)
    except PricingError as exc:
        _emit(from_pricing_error(exc), sys.stderr)
        return EXIT_BAD_INPUT
    _emit(result)
    return 0


def _catalog(args: argparse.Namespace) -> int:
    from .app import build_pricing

    service = build_pricing(_settings(args), SystemClock())
    if args.provider not in service.catalogs:
        _emit(problem(404, "Not found", f"no provider {args.provider!r}"), sys.stderr)
        return EXIT_BAD_INPUT
    _emit(service.catalog(args.provider))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hub", description="The reseller hub for 1С:Фреш, 1С:Медицина and 1С-Рарус.")
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the HTTP API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=_serve)
    for name, what in (("quote", "a quote request"), ("price", "a subscription price request")):
        sub = commands.add_parser(name, help=f"price {what} read as JSON from FILE or - (stdin)")
        sub.add_argument("file", metavar="FILE|-")
        sub.set_defaults(run=_compute)
    catalog = commands.add_parser("catalog", help="print a provider's loaded catalog")
    catalog.add_argument("provider")
    catalog.set_defaults(run=_catalog)
    for sub in (serve, *[commands.choices[n] for n in ("quote", "price", "catalog")]):
        sub.add_argument("--catalog-dir", help="directory of fresh_ru.json, fresh_kz.json, medicine.json, rarus.json")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CatalogError as exc:
        _emit(problem(500, "Catalog error", str(exc)), sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
