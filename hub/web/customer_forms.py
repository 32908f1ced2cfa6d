"""The customer pages' forms as the API's request bodies (card, enrollment, order) and a stored card as the form
shows it: every value goes through the API's own decoding, so the API's checks apply to the pages too."""
from __future__ import annotations

from typing import Any

import msgspec
import msgspec.inspect as mi

from providers import PROFILES

from hub.customers.schemas import Accounts, CustomerOut
from hub.onboarding.schemas import EnrollmentCreate

USER_ROWS = 3
TEXT_FIELDS = ("inn", "kpp", "bin_iin", "email", "phone")
YES_NO = {"yes": True, "no": False}
ACCOUNT_TITLES = {p.account_field: p.title for p in PROFILES.values() if p.account_field}
TITLES = {name: p.title for name, p in PROFILES.items()}
# the providers whose trial names the products to try (RA-ONB-02): their catalogs give the choices
TRIAL_PRODUCTS = tuple(name for name, p in PROFILES.items() if "trial_request" in p.onboarding)
DEFAULT_TIMEZONE = next(f.default for f in msgspec.structs.fields(EnrollmentCreate) if f.name == "timezone")


def _holds_int(t: Any) -> bool:
    """Whether a field's type holds whole numbers (a form sends text)."""
    t = t.type if isinstance(t, mi.Metadata) else t
    return any(_holds_int(o) for o in t.types) if isinstance(t, mi.UnionType) else isinstance(t, mi.IntType)


NUMERIC_ACCOUNTS = {f.name for f in mi.type_info(Accounts).fields if _holds_int(f.type)}


class Values(dict):
    """Defaults read like a submitted form."""

    def getall(self, name: str, default: Any = None) -> list[Any]:
        value = self.get(name, default or [])
        return value if isinstance(value, list) else [value]


def _one(form: Any, name: str) -> str:
    return str(form.get(name) or "").strip()


def _many(form: Any, name: str) -> list[str]:
    return [str(v).strip() for v in form.getall(name, []) if str(v).strip()]


def _whole(text: str) -> Any:
    return int(text) if text.isascii() and text.isdigit() else text  # otherwise the API's check names the field


def _amount(text: str) -> str:
    return text.replace("\u00a0", "").replace(" ", "").replace(",", ".")


def card_of(form: Any) -> dict[str, Any]:
    """The card form as the body of POST/PATCH /api/v1/customers (an empty field is null)."""
    card: dict[str, Any] = {"legal_name": _one(form, "legal_name"), "country": _one(form, "country"),
                            **{f: _one(form, f) or None for f in TEXT_FIELDS},
                            "new_to_1c": YES_NO.get(_one(form, "new_to_1c")), "own": _one(form, "own") == "on"}
    level = _one(form, "its_level")
    card["its"] = {"level": level, "payment": _one(form, "its_payment") or None,
                   "start_date": _one(form, "its_start_date") or None, "end_date": _one(form, "its_end_date") or None,
                   "support_kit": _one(form, "its_support_kit") == "on", "with_us": _one(form, "its_with_us") == "on",
                   "other_partner": _one(form, "its_other_partner") or None} if level else None
    accounts = {name: _one(form, f"account_{name}") for name in ACCOUNT_TITLES}
    card["accounts"] = {name: _whole(v) if name in NUMERIC_ACCOUNTS else v for name, v in accounts.items() if v}
    return card


def values_of(c: CustomerOut) -> Values:
    """A stored card as the form shows it."""
    v = Values({f: getattr(c, f) or "" for f in ("legal_name", "country", *TEXT_FIELDS)},
               new_to_1c={True: "yes", False: "no"}.get(c.new_to_1c, ""), its_with_us="on",
               own="on" if c.own else "")
    if c.its:
        v.update(its_level=c.its.level, its_payment=c.its.payment or "", its_with_us="on" if c.its.with_us else "",
                 its_end_date=c.its.end_date.isoformat() if c.its.end_date else "",
                 its_start_date=c.its.start_date.isoformat() if c.its.start_date else "",
                 its_support_kit="on" if c.its.support_kit else "",
                 its_other_partner=c.its.other_partner or "")
    v.update({f"account_{name}": str(getattr(c.accounts, name) or "") for name in ACCOUNT_TITLES})
    return v


def enrollment_of(form: Any) -> dict[str, Any]:
    users = []
    for i in range(USER_ROWS):
        name, email, phone = (_one(form, f"user_{part}_{i}") for part in ("name", "email", "phone"))
        if name or email or phone:
            users.append({"name": name, "email": email, **({"phone": phone} if phone else {})})
    body: dict[str, Any] = {"provider": _one(form, "provider"), "users": users, "products": _many(form, "products")}
    body.update({f: _one(form, f) for f in ("tariff", "timezone") if _one(form, f)})
    return body


def order_of(form: Any, customer_id: str, dry_run: bool) -> dict[str, Any]:
    """The order form as the body of POST /api/v1/subscriptions."""
    body: dict[str, Any] = {"customer_id": customer_id, "provider": _one(form, "provider"),
                            "kind": _one(form, "kind") or "main", "quantity": _whole(_one(form, "quantity") or "1"),
                            "options": _many(form, "options"), "dry_run": dry_run,
                            "customer_price_includes_vat": _one(form, "customer_price_includes_vat") == "on"}
    body.update({f: _one(form, f) for f in ("tariff", "start", "main_id") if _one(form, f)})
    if _one(form, "months"):
        body["months"] = _whole(_one(form, "months"))
    if _one(form, "customer_price"):
        body["customer_price"] = _amount(_one(form, "customer_price"))
    seats, configurations = _one(form, "seat_users"), _many(form, "seat_configurations")
    if seats or configurations:
        body["seat_plan"] = [{"users": _whole(seats), "configurations": configurations,
                              "mode": _one(form, "seat_mode") or "single"}]
    amount, paid_on, document = (_one(form, f"payment_{f}") for f in ("amount", "paid_on", "document"))
    if amount or paid_on or document:
        body["payment"] = {"amount": _amount(amount), "paid_on": paid_on or None, **({"document": document} if document else {})}
    return body
