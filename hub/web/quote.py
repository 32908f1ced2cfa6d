"""Подбор и расчёт (/quote): the customer's need as a form, priced on every cloud by the same service as
POST /api/v1/quotes — the offers ranked side by side, a chart of customer price and partner income, the
request as JSON for the API, an XLSX download and a printable offer."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import QuoteRequest, QuoteResponse

from hub.core.exceptions import REFUSALS
from hub.core.input_guard import decode_body
from hub.core.russian import russian
from hub.core.spreadsheet import XLSX_MEDIA, attachment, to_xlsx_book
from hub.quotes.service import PricingService
from hub.web.auth import web_caller
from hub.web.pages import page, refusal_text

ROWS = 4
EXTENSION_ROWS = 2  # extensions of 1С:Магазин расширений the form asks for (FR-DISC-06)
MODES = {"single": "в одной программе", "alternate": "в нескольких попеременно", "simultaneous": "в нескольких одновременно"}
DEFAULT = {"region": "ru", "months": "12", "users_0": "3", "configurations_0": ["bp"], "users_1": "1",
           "configurations_1": ["zup"]}
OFFER_COLUMNS = {"title": "Облако", "eligible": "Подходит", "tariff": "Тариф", "start": "Начало", "end": "Конец",
                 "monthly_price": "В месяц", "total_price": "Всего за период", "currency": "Валюта",
                 "discount_percent": "Скидка партнёра, %", "partner_cost": "Стоимость для партнёра",
                 "partner_income": "Доход партнёра", "reason": "Почему не подходит", "warnings": "Предупреждения"}
LINE_COLUMNS = ("Облако", "Строка", "Количество", "Цена", "Сумма", "Валюта", "Источник")


def offers_book(answer: QuoteResponse) -> bytes:
    """The offers in Russian, one per row (typed cells: amounts numbers, dates dates), and their lines."""
    offers = [{**{name: getattr(o, c) for c, name in OFFER_COLUMNS.items()}, "Подходит": "да" if o.eligible else "нет",
               "Почему не подходит": russian(o.reason), "Предупреждения": "; ".join(str(russian(w)) for w in o.warnings)}
              for o in answer.offers]
    lines = [dict(zip(LINE_COLUMNS, (o.title, russian(line.description), line.quantity, line.unit_price, line.amount,
                                     o.currency, line.source))) for o in answer.offers for line in o.lines]
    return to_xlsx_book([(f"Расчёт {answer.created_on.isoformat()}", list(OFFER_COLUMNS.values()), offers),
                         ("Строки расчёта", LINE_COLUMNS, lines)])


def _values(form: Any, name: str) -> list[str]:
    getter = getattr(form, "getall", None)
    found = getter(name, []) if getter else form.get(name, [])
    return [str(v) for v in (found if isinstance(found, list) else [found]) if str(v).strip()]


def need_of(form: Any) -> dict[str, Any]:
    """The form as the API's request body (the same checks then apply: decode_body)."""
    def one(name: str) -> str:
        values = _values(form, name)
        return values[0].strip() if values else ""

    def count(name: str) -> Any:
        text = one(name)
        return int(text) if text.isdigit() else (text or None)

    seats = []
    for i in range(ROWS):
        users, configurations = one(f"users_{i}"), _values(form, f"configurations_{i}")
        if users or configurations:
            seats.append({"users": int(users) if users.isdigit() else users,
                          "configurations": configurations, "mode": one(f"mode_{i}") or "single"})
    need: dict[str, Any] = {"region": one("region") or "ru", "months": count("months"), "seat_plan": seats,
                            "options": _values(form, "options"),
                            "customer": {"medical": one("medical") == "on"}}
    for field in ("bases", "storage_gb"):
        if one(field):
            need[field] = count(field)
    extensions = [{"name": one(f"extension_name_{i}"),
                   "monthly_retail": one(f"extension_price_{i}").replace("\u00a0", "").replace(" ", "").replace(",", ".")}
                  for i in range(EXTENSION_ROWS) if one(f"extension_name_{i}") or one(f"extension_price_{i}")]
    if extensions:
        need["extensions"] = extensions
    answer = one("new_to_1c")
    if answer in ("yes", "no"):
        need["customer"]["new_to_1c"] = answer == "yes"
    return need


def chart(answer: QuoteResponse) -> list[dict[str, Any]]:
    """Bars of the eligible offers: customer price and partner income, scaled within each currency."""
    eligible = [o for o in answer.offers if o.eligible and o.total_price is not None]
    tops = {}
    for o in eligible:
        tops[o.currency] = max(tops.get(o.currency, Decimal(0)), o.total_price or Decimal(0))
    return [{"title": o.title, "provider": o.provider, "currency": o.currency, "price": o.total_price,
             "income": o.partner_income or Decimal(0),
             "price_share": float((o.total_price or 0) / tops[o.currency]) if tops[o.currency] else 0.0,
             "income_share": float((o.partner_income or 0) / tops[o.currency]) if tops[o.currency] else 0.0}
            for o in eligible]


class QuotePage(Controller):
    path = "/quote"
    include_in_schema = False

    async def _show(self, request: Request[Any, Any, Any], session: AsyncSession, pricing: PricingService,
                    form: Any, answer: QuoteResponse | None, error: str | None, need: dict[str, Any] | None) -> Template:
        caller = await web_caller(request, session)
        configurations = _configurations(pricing)
        names = dict(configurations)
        asked = [f"{g['users']} — {', '.join(names.get(c, c) for c in g['configurations'])} ({MODES.get(g['mode'], g['mode'])})"
                 for g in (need or {}).get("seat_plan", [])]
        context = {"form": form, "answer": answer, "error": error, "bars": chart(answer) if answer else [],
                   "asked": asked, "months": (need or {}).get("months"),
                   "request_json": msgspec.json.format(msgspec.json.encode(need), indent=2).decode() if need else "",
                   "configurations": configurations, "options": _options(pricing), "modes": MODES,
                   "rows": range(ROWS), "extension_rows": range(EXTENSION_ROWS)}
        partial = request.headers.get("hx-request") == "true"
        return await page(session, caller, "_offers.html" if partial else "quote.html", "quote",
                          status_code=422 if error else 200, **context)

    @get()
    async def form(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                   pricing: NamedDependency[PricingService]) -> Template:
        return await self._show(request, session, pricing, _Form(DEFAULT), None, None, None)

    @post()
    async def quote(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    pricing: NamedDependency[PricingService]) -> Template:
        form = await request.form()
        answer, error, need = await self._price(request, session, pricing, form)
        return await self._show(request, session, pricing, form, answer, error, need)

    @post("/xlsx")
    async def download(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                       pricing: NamedDependency[PricingService]) -> Response[Any]:
        form = await request.form()
        answer, error, need = await self._price(request, session, pricing, form)
        if answer is None:
            return await self._show(request, session, pricing, form, None, error, need)
        return Response(offers_book(answer), media_type=XLSX_MEDIA,
                        headers=attachment(f"quote-{answer.created_on.isoformat()}.xlsx"))

    @staticmethod
    async def _price(request: Request[Any, Any, Any], session: AsyncSession, pricing: PricingService,
                     form: Any) -> tuple[QuoteResponse | None, str | None, dict[str, Any]]:
        caller = await web_caller(request, session)
        need = need_of(form)
        try:
            return pricing.quote(decode_body(msgspec.json.encode(need), QuoteRequest), caller.standing), None, need
        except REFUSALS as exc:
            return None, refusal_text(exc), need


class _Form(dict):
    """The defaults, read like a submitted form."""

    def getall(self, name: str, default: Any = None) -> list[Any]:
        value = self.get(name, default or [])
        return value if isinstance(value, list) else [value]


def _configurations(pricing: PricingService) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for catalog in pricing.catalogs.values():
        for c in catalog.configurations:
            seen.setdefault(c.id, c.name)
    return sorted(seen.items(), key=lambda kv: kv[1])


def _options(pricing: PricingService) -> list[tuple[str, str]]:
    return sorted({a.id: a.name for c in pricing.catalogs.values() for a in c.addons}.items(), key=lambda kv: kv[1])


QUOTE_PAGES = [QuotePage]
