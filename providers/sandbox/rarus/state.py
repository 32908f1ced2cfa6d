"""The 1С-Рарус partner cabinet in memory: trial requests, clients, invoices, payments, agent reports.

Several partners can have a cabinet on one sandbox (``register``): each trial request and client
belongs to the partner (by its code) that requested it, and another partner's is "not found".
Methods that act for a partner take ``who``; None means the default partner (``self.partner``).

What it holds and how it refuses is records.py; the invoices it issues are pricing.rarus_invoices.
"""
from __future__ import annotations

import calendar
import hmac
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec

from pricing import (
    MOSCOW,
    Catalog,
    Money,
    PartnerStanding,
    QuoteRequest,
    RarusEngine,
    RarusInvoice,
    add_months,
    change_invoice,
    first_invoice,
    month_key,
    renewal_invoice,
)

from ..clock import SandboxClock
from .records import (
    FIRST_ACCOUNT,
    MAX_TRIAL_USERS,
    QUARTER_STARTS,
    RENEWAL_INVOICE_DAY,
    PARTNER_TRIAL_COMMENT,
    PARTNER_TRIAL_DAYS,
    TRIAL_DAYS,
    CabinetError,
    Client,
    Invoice,
    RarusPartner,
    TrialRequest,
)

__all__ = ["CabinetError", "Client", "Invoice", "RarusPartner", "RarusSandboxState", "TrialRequest"]


@dataclass
class RarusSandboxState:
    catalog: Catalog
    clock: SandboxClock
    partner: RarusPartner = field(default_factory=RarusPartner)
    credentials_delay: timedelta = timedelta(minutes=15)  # RA-ONB-03: 10–20 minutes
    requests: dict[int, TrialRequest] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    invoices: dict[int, Invoice] = field(default_factory=dict)
    _accounts: int = FIRST_ACCOUNT

    def __post_init__(self) -> None:
        self.engine = RarusEngine(self.catalog)
        self.partners: list[RarusPartner] = [self.partner]  # the known partner cabinets

    # --- partner cabinets -------------------------------------------------------------------------------
    def register(self, partner: RarusPartner) -> RarusPartner:
        """Add a partner cabinet, or replace the one with that code."""
        for i, known in enumerate(self.partners):
            if known.code == partner.code:
                if known is self.partner:
                    self.partner.token, self.partner.name = partner.token, partner.name
                    self.partner.profile_code, self.partner.agent_fee_percent = partner.profile_code, partner.agent_fee_percent
                    return self.partner
                self.partners[i] = partner
                return partner
        self.partners.append(partner)
        return partner

    def by_token(self, token: str) -> RarusPartner | None:
        found = None
        for partner in self.partners:  # every token compared, in constant time each
            if hmac.compare_digest(token.encode(), partner.token.encode()):
                found = partner
        return found

    def _who(self, who: RarusPartner | None) -> RarusPartner:
        return who or self.partner

    def requests_of(self, who: RarusPartner | None = None, email: str | None = None) -> list[TrialRequest]:
        code = self._who(who).code
        return [r for r in self.requests.values() if r.partner == code and (email is None or r.customer.get("email") == email)]

    def trial_request(self, request_id: int, who: RarusPartner | None = None) -> TrialRequest:
        found = self.requests.get(request_id)
        if found is None or found.partner != self._who(who).code:
            raise CabinetError(404, "not_found", f"no trial request {request_id}")
        return found

    def clients_of(self, who: RarusPartner | None = None) -> list[Client]:
        code = self._who(who).code
        return [c for c in self.clients.values() if c.partner == code and c.status != "deleted"]

    def invoices_of(self, who: RarusPartner | None = None, login: str | None = None) -> list[Invoice]:
        code = self._who(who).code
        return [i for i in self.invoices.values()
                if self.clients[i.login].partner == code and (login is None or i.login == login)]

    def today(self) -> date:
        return self.clock.now().astimezone(MOSCOW).date()

    # --- trials (RA-ONB-01…06) --------------------------------------------------------------------------
    def request_trial(self, body: dict[str, Any], via: str = "partner", who: RarusPartner | None = None) -> TrialRequest:
        """A trial request; ``via`` "site" is the customer's own (not attributed, RA-ONB-06), held by
        the cabinet of the partner it names (the default partner when it names none known)."""
        customer = body.get("customer") or {}
        missing = [f"customer.{f}" for f in ("name", "inn", "email") if not customer.get(f)]
        products = list(body.get("products") or [])
        missing += [] if products else ["products"]
        named = (body.get("partner") or {}).get("code")
        if via == "partner":
            who = self._who(who)
            if named != who.code:
                missing.append("partner.code")
        else:
            who = next((p for p in self.partners if p.code == named), self.partner)
        if missing:
            raise CabinetError(422, "incomplete_request", f"the trial request lacks: {', '.join(missing)}", "RA-ONB-02")
        unknown = [p for p in products if self.catalog.configuration(p) is None]
        if unknown:
            raise CabinetError(422, "unknown_product", f"unknown products: {', '.join(unknown)}")
        users = body.get("users")
        if not isinstance(users, int) or users < 1:
            raise CabinetError(422, "bad_users", "users: a whole number of at least 1", "RA-ONB-02")
        if users > MAX_TRIAL_USERS:
            raise CabinetError(422, "trial_users_limit", f"a trial has at most {MAX_TRIAL_USERS} users", "RA-ONB-01")
        email = str(customer["email"]).strip().lower()
        if via == "partner" and any(str(r.customer.get("email") or "").strip().lower() == email and r.partner != who.code
                                    and self._live(r) for r in self.requests.values()):
            raise CabinetError(409, "email_taken", "a trial for this e-mail is already with another partner", "RA-ONB-06")
        now = self.clock.now()
        request = TrialRequest(len(self.requests) + 1, dict(customer), products, users, now,
                               now + self.credentials_delay, via, partner=who.code,
                               comment=str(body.get("comment") or "")[:2000])
        self.requests[request.id] = request
        return request

    def _live(self, request: TrialRequest) -> bool:
        return request.status == "processing" or (request.login is not None and request.login in self.clients
                                                   and self.clients[request.login].status != "deleted")

    def complete(self, request: TrialRequest) -> None:
        if request.status == "done":
            return
        login = f"1R{self._accounts:05d}U1"  # RA-ONB-04
        self._accounts += 1
        seat_plan = [{"users": request.users, "configurations": request.products, "mode": "alternate"}]
        # RA-ONB-07: the partner's own test access, asked for in the comment, lasts longer
        days = PARTNER_TRIAL_DAYS if PARTNER_TRIAL_COMMENT and PARTNER_TRIAL_COMMENT in request.comment.casefold() \
            else TRIAL_DAYS
        self.clients[login] = Client(login, request.customer, request.via == "partner", "trial",
                                     self.today() + timedelta(days=days - 1), seat_plan, [],
                                     self.monthly(seat_plan, []), partner=request.partner)
        request.status, request.login = "done", login

    def tick(self) -> None:
        now, today = self.clock.now(), self.today()
        for request in self.requests.values():
            if request.status == "processing" and request.credentials_at <= now:
                self.complete(request)
        for client in self.clients.values():
            if client.status == "trial" and today > client.trial_end:
                client.status = "blocked"
            if client.status == "paying" and client.paid_through and today > client.paid_through:
                client.status = "blocked"
            self._renewal_invoice(client, today)

    def _renewal_invoice(self, client: Client, today: date) -> None:
        """RA-BILL-01: on the 20th a monthly payer whose paid period ends this month gets the next invoice."""
        if client.status != "paying" or client.paid_through is None or today.day < RENEWAL_INVOICE_DAY:
            return
        if client.paid_through != today.replace(day=calendar.monthrange(today.year, today.month)[1]):
            return
        start = client.paid_through + timedelta(days=1)
        if any(i.login == client.login and i.period_start == start for i in self.invoices.values()):
            return
        self._invoice(client.login, "renewal", renewal_invoice(client.paid_through, client.monthly))

    # --- clients, conversion and changes (RA-BILL-01, RA-BILL-02) -----------------------------------------
    def client(self, login: str, who: RarusPartner | None = None) -> Client:
        self.tick()
        found = self.clients.get(login)
        if found is None or found.status == "deleted" or found.partner != self._who(who).code:
            raise CabinetError(404, "not_found", f"no client {login}")
        return found

    def monthly(self, seat_plan: list[dict[str, Any]], options: list[str]) -> Decimal:
        need = msgspec.convert({"region": "ru", "months": 1, "seat_plan": seat_plan, "options": options}, QuoteRequest)
        offer = self.engine.quote(need, PartnerStanding(), self.today())
        if not offer.eligible or offer.monthly_price is None:
            raise CabinetError(422, "beyond_limits", offer.reason or "not priced", "RA-PRICE-05")
        return offer.monthly_price

    def _invoice(self, login: str, kind: str, billed: RarusInvoice) -> Invoice:
        """An invoice as pricing.rarus_invoices computes it: the one rule the hub's previews use too."""
        invoice = Invoice(len(self.invoices) + 1, login, kind, billed.start, billed.end, billed.amount, dict(billed.months))
        self.invoices[invoice.id] = invoice
        return invoice

    def convert(self, login: str, body: dict[str, Any], who: RarusPartner | None = None) -> Invoice:
        client = self.client(login, who)
        if client.status not in ("trial", "blocked") or client.paid_through is not None:
            raise CabinetError(409, "already_paying", f"{login} is {client.status}; change it with a change request")
        seat_plan, options = body.get("seat_plan") or client.seat_plan, list(body.get("options") or [])
        client.seat_plan, client.options, client.monthly = seat_plan, options, self.monthly(seat_plan, options)
        months = body.get("months") or 1
        if not isinstance(months, int) or months < 1:
            raise CabinetError(422, "bad_months", "months: a whole number of at least 1")
        return self._invoice(login, "conversion", first_invoice(self.today(), months, client.monthly))

    def change(self, login: str, body: dict[str, Any], who: RarusPartner | None = None) -> dict[str, Any]:
        """RA-BILL-02: a trial changes free; a paying client's rise is a surcharge applied after payment,
        its fall an advance for later periods."""
        client = self.client(login, who)
        seat_plan, options = body.get("seat_plan") or client.seat_plan, list(body.get("options", client.options))
        monthly = self.monthly(seat_plan, options)
        if client.status == "trial" or client.paid_through is None:
            client.seat_plan, client.options, client.monthly = seat_plan, options, monthly
            return {"applied": True, "monthly": monthly, "rule": "RA-BILL-02"}
        billed = change_invoice(self.today(), client.paid_through, client.monthly, monthly)
        difference = billed.amount
        if difference > 0:
            invoice = self._invoice(login, "surcharge", billed)
            client.pending_change = {"seat_plan": seat_plan, "options": options, "monthly": monthly, "invoice": invoice.id}
            return {"applied": False, "surcharge_invoice": invoice.id, "amount": invoice.amount, "rule": "RA-BILL-02"}
        client.seat_plan, client.options, client.monthly = seat_plan, options, monthly
        client.advance += -difference
        return {"applied": True, "monthly": monthly, "advance": client.advance, "rule": "RA-BILL-02"}

    def pay(self, invoice_id: int) -> Invoice:
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            raise CabinetError(404, "not_found", f"no invoice {invoice_id}")
        if invoice.status == "paid":
            return invoice
        invoice.status = "paid"
        client = self.clients[invoice.login]
        if invoice.kind == "surcharge" and client.pending_change and client.pending_change["invoice"] == invoice.id:
            change = client.pending_change
            client.seat_plan, client.options, client.monthly = change["seat_plan"], change["options"], change["monthly"]
            client.pending_change = None
        else:
            client.status, client.paid_through = "paying", max(client.paid_through or invoice.period_end, invoice.period_end)
        return invoice

    # --- agent reports (RA-COMM-01…03) ------------------------------------------------------------------
    def agent_report(self, year: int, quarter: int, who: RarusPartner | None = None) -> tuple[date, list[dict[str, Any]]]:
        who = self._who(who)
        if quarter not in QUARTER_STARTS:
            raise CabinetError(400, "bad_quarter", "a quarter is Q1–Q4")
        if len(who.profile_code or "") != 4:
            raise CabinetError(404, "no_documents", "the partner code in the profile is missing or not in 4-character form",
                               "RA-COMM-03")
        first = date(year, QUARTER_STARTS[quarter], 1)
        quarter_months = {month_key(add_months(first, i)) for i in range(3)}
        rows = []
        for invoice in sorted(self.invoices_of(who), key=lambda i: i.id):
            client = self.clients[invoice.login]
            if invoice.status != "paid" or not client.attributed:  # RA-ONB-06
                continue
            for month, amount in invoice.months.items():
                if month in quarter_months:
                    fee = Money(amount, "RUB").percent(who.agent_fee_percent).amount
                    rows.append({"report_date": first.isoformat(), "login": client.login, "month": month,
                                 "amount_paid": amount, "fee": fee})
        if not rows:
            raise CabinetError(404, "no_documents", "no paying customers in this quarter", "RA-COMM-03")
        return first, rows

