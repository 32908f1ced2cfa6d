"""RA-COMM-02: the payout of a reconciled Rarus quarter. The cabinet publishes the agent report and the
act dated the first day of the quarter they pay for; the partner checks them (the reconciliation), dates
and numbers the act, invoices the fee payer and sends the signed set to the provider's documents mailbox.
Once the accountant gives the act's number and date, the hub records the expected payout and sends the
cover e-mail through the outbox, like every other provider e-mail."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pricing.fields import line
from providers import PROFILES

from hub.core import audit, mailbox
from hub.core.caller import Caller
from hub.core.db import Operation, Partner
from hub.core.exceptions import Conflict, InvalidField
from hub.core.schemas import Input
from hub.core.tenancy import owned_row
from hub.reconciliation.models import Reconciliation
from hub.reconciliation.service import stored_code

ABOUT = "reconciliation"


class PayoutCreate(Input):
    act_number: line(50, min_length=1)
    act_date: date


def checklist(profile: Any, period: str) -> list[str]:
    return [f"check the agent report and the act of {period} against this reconciliation",
            "date and number the act",
            f"invoice {profile.agent_fee_payer} for the agent fee",
            f"send the signed report, act and invoice to {profile.agent_documents_mailbox}"]


async def request_payout(session: AsyncSession, caller: Caller, run_id: str, data: PayoutCreate,
                         now: datetime) -> Reconciliation:
    run = await owned_row(session, Reconciliation, caller, run_id, "reconciliation", for_update=True)
    profile = PROFILES[run.provider]
    if profile.agent_documents_mailbox is None:
        raise InvalidField("reconciliation", f"{profile.title} pays no agent fee: no payout documents", rule="RA-COMM-02")
    if run.payout is not None:
        raise Conflict(f"the payout of {run.period} was recorded already (act {run.payout['act_number']})")
    code = stored_code(await session.get(Partner, caller.partner_id), run.provider)
    if not code or len(code) != 4:
        raise InvalidField("partner", "the partner's Rarus code is missing or not in 4-character form: no payout "
                           "documents are made for it (RA-COMM-03, RA-ONB-08); set it in the partner's standing",
                           rule="RA-COMM-02")
    if not run.summary:
        raise InvalidField("reconciliation", "the quarter has no agent report to pay (RA-COMM-03)", rule="RA-COMM-02")
    payout = run.totals["billed"]
    lines = [f"Отчет агента и акт за {run.period}: акт № {data.act_number} от {data.act_date.strftime('%d.%m.%Y')}",
             f"Агентское вознаграждение к выплате: {payout} {run.currency}",
             f"Счет на {profile.agent_fee_payer} и подписанный комплект документов — во вложении (по почте отдельно)"]
    operation: Operation = await mailbox.ask_provider(
        session, caller, run.provider, about=ABOUT, about_id=run.id, subscriber=None,
        subject=f"Документы агента за {run.period}: акт № {data.act_number}", lines=lines,
        label=f"payout-{run.id}", to=profile.agent_documents_mailbox)
    run.payout = {"act_number": data.act_number, "act_date": data.act_date.isoformat(), "expected_payout": payout,
                  "checklist": checklist(profile, run.period), "mail": operation.message_id, "sent_at": None,
                  "rule": "RA-COMM-02"}
    audit.record(session, caller, "reconciliation", run.id, "payout", after=run.payout)
    return run


class PayoutMail:
    """What the worker reports about the cover e-mail of a payout."""

    async def step_succeeded(self, session: AsyncSession, operation: Operation, result: Any, now: datetime) -> None:
        run = await session.get(Reconciliation, operation.payload[f"{ABOUT}_id"])
        if run is not None and run.payout is not None:
            run.payout = {**run.payout, "sent_at": now.isoformat()}

    async def step_failed(self, session: AsyncSession, operation: Operation, error: str, rule: str | None,
                          now: datetime) -> None:
        run = await session.get(Reconciliation, operation.payload[f"{ABOUT}_id"])
        if run is not None and run.payout is not None:
            run.payout = {**run.payout, "not_sent": error}
