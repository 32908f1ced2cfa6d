"""What every page shares — who is signed in, the section, a refusal shown on the page — and the list of
pages. Pages are thin: they call the same services as the API's controllers."""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.caller import Caller
from hub.core.exceptions import Refusal
from hub.partners.service import get_partner
from hub.web.auth import ROLE_NAMES, NotAllowed, SignIn, sign_out
from hub.core.russian import russian


async def page(session: AsyncSession, caller: Caller, template: str, section: str, *, status_code: int = 200,
               **context: Any) -> Template:
    partner = await get_partner(session, caller.partner_id)
    return Template(template, status_code=status_code, context={
        "caller": caller, "partner_name": partner.name, "role_name": ROLE_NAMES[caller.role], "section": section,
        "may_operate": caller.may("operator"), **context})


async def write(request: Request[Any, Any, Any], action: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    """A page's change, in one committed transaction (the API's writes go through idempotent_write)."""
    async with request.app.state.db.sessions() as session:
        result = await action(session)
        await session.commit()
        return result


# the decoder's messages (msgspec) as a Russian reader gets them; the hub's own refusals through the catalogue
DECODER_WORDS = [
    (r"Expected `int`, got `\w+`", "нужно целое число"),
    (r"Expected `(?:decimal|number|float)`, got `\w+`", "нужно число"),
    (r"Expected `bool`, got `\w+`", "нужно да или нет"),
    (r"Expected `(?:int|number|decimal)` >= (\S+)", r"не меньше \1"),
    (r"Expected `(?:int|number|decimal)` <= (\S+)", r"не больше \1"),
    (r"Expected `str` of length <= (\d+)", r"не длиннее \1 знаков"),
    (r"Expected `str` of length >= (\d+)", r"не короче \1 знаков"),
    (r"Expected `array` of length >= 1", "нужно хотя бы одно значение"),
    (r"Expected `array` of length <= (\d+)", r"не больше \1 значений"),
    (r"Object missing required field `(\w+)`", r"не заполнено: \1"),
    (r"Invalid enum value (.+)", r"недопустимое значение \1"),
    (r"Invalid date", "нужна дата"),
    (r"Invalid decimal string", "нужно число, например 1250.50"),
]


# the fields a page's forms have, as their labels say them; any other field by its API name
FIELD_LABELS = {"legal_name": "Название организации", "inn": "ИНН", "kpp": "КПП", "bin_iin": "БИН/ИИН",
                "email": "E-mail", "phone": "Телефон", "country": "Страна", "new_to_1c": "Новый клиент 1С?",
                "months": "Срок, мес.", "seat_plan": "Пользователи", "users": "Пользователи", "region": "Регион",
                "bases": "Баз", "storage_gb": "Диск, ГБ", "options": "Опции", "provider": "Облако",
                "tariff": "Тариф", "products": "Программы", "period": "Период", "file": "Файл",
                "quantity": "Количество", "start": "Начало", "payment": "Оплата", "payment.amount": "Сумма оплаты",
                "payment.paid_on": "Дата оплаты", "customer_id": "Клиент", "comment": "Комментарий",
                "extensions": "Расширения", "name": "Название", "monthly_retail": "Цена в месяц", "own": "Своя организация"}


def field_label(field: str) -> str:
    """``seat_plan[0].users`` → «Пользователи (строка 1)»; an unknown field by its API name."""
    found = re.fullmatch(r"(\w+)\[(\d+)\](?:\.(\w+))?", field)
    if found:
        label = FIELD_LABELS.get(found[3] or found[1], FIELD_LABELS.get(found[1], field))
        return f"{label}, строка {int(found[2]) + 1}"
    return FIELD_LABELS.get(field, field)


def refusal_text(error: Refusal) -> str:
    """A refusal as a page shows it, in Russian (the decoder's words, the catalogue), with the field and the rule."""
    message = str(russian(error.message))
    for pattern, words in DECODER_WORDS:
        message = re.sub(pattern, words, message)
    field = getattr(error, "field", None)
    where = f" (поле «{field_label(field)}»)" if field else ""
    rule = f" [{error.rule}]" if getattr(error, "rule", None) else ""
    return f"{message}{where}{rule}"


def forbidden(request: Request[Any, Any, Any], exc: NotAllowed) -> Template:
    return Template("forbidden.html", status_code=403, context={
        "message": exc.detail, "caller": exc.caller, "role_name": ROLE_NAMES[exc.caller.role], "title": "Нет прав"})


def page_or_problem(json_handler: Callable[[Request[Any, Any, Any], Any], Any], title: str, status: int):
    """For a page, an error page in Russian; for the API, its problem details as before."""
    def handle(request: Request[Any, Any, Any], exc: Any) -> Any:
        if request.url.path.startswith("/api/"):
            return json_handler(request, exc)
        message = getattr(exc, "message", None) or getattr(exc, "detail", None) or ""
        if not hasattr(exc, "message"):  # Litestar's own (a path no page has, a malformed request): its English stays out
            message = {404: "такой страницы нет", 400: "запрос не понят"}.get(status, message)
        return Template("forbidden.html", status_code=status, context={"message": refusal_text(exc) if hasattr(exc, "message")
                        else message, "caller": None, "title": title})

    return handle


def _pages() -> list[Any]:
    from hub.web.customers import CUSTOMER_PAGES
    from hub.web.dashboard import DASHBOARD_PAGES
    from hub.web.quote import QUOTE_PAGES
    from hub.web.reconciliation import RECONCILIATION_PAGES

    return [SignIn, sign_out, *DASHBOARD_PAGES, *QUOTE_PAGES, *CUSTOMER_PAGES, *RECONCILIATION_PAGES]


PAGES = _pages()
