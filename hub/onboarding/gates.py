"""Gates: approvals a customer needs before it is invoiced, named by catalog data (a tariff's ``gate`` and
``gate_rule``, e.g. MED-ONB-07's ЕГИСЗ approval) — not by the hub. An enrollment whose tariff names a gate
shows it in its view; an operator records it passed (``POST /api/v1/enrollments/{id}/gates/{gate}``), and
``gate_passed`` is what ordering asks before it invoices a gated tariff.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import Catalog

from hub.core import audit, events
from hub.core.caller import Caller
from hub.core.db.models import Enrollment
from hub.core.exceptions import Conflict, InvalidField, NotFound

BEFORE = "invoicing the customer"  # what every gate stands before today


def known_gates(catalogs: dict[str, Catalog]) -> dict[str, str | None]:
    """Every gate some catalog tariff names, with its rule."""
    return {t.gate: t.gate_rule for catalog in catalogs.values() for t in catalog.tariffs if t.gate}


def gates_of(catalogs: dict[str, Catalog], enrollment: Enrollment) -> list[dict[str, Any]]:
    """The gates of the enrollment's tariff, each with whether it is passed (the view's ``gates``)."""
    catalog = catalogs.get(enrollment.provider)
    tariff = catalog.tariff(enrollment.tariff) if catalog is not None and enrollment.tariff else None
    if tariff is None or tariff.gate is None:
        return []
    return [{"gate": tariff.gate, "rule": tariff.gate_rule, "satisfied": tariff.gate in (enrollment.gates_passed or {}),
             "before": BEFORE}]


async def gate_passed(session: AsyncSession, customer_id: str, provider: str, gate: str) -> bool:
    """Whether any enrollment of the customer at ``provider`` has ``gate`` recorded as passed."""
    passed = await session.scalars(select(Enrollment.gates_passed).where(
        Enrollment.customer_id == customer_id, Enrollment.provider == provider))
    return any(gate in (gates or {}) for gates in passed)


async def pass_gate(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog], enrollment: Enrollment,
                    gate: str, now: datetime) -> None:
    """Record ``gate`` passed on the (locked) enrollment: 404 for a gate no catalog names, 422 for one its
    tariff has not, 409 when it is already recorded."""
    known = known_gates(catalogs)
    if gate not in known:
        raise NotFound(f"no gate {gate!r}; known: {', '.join(sorted(known)) or 'none'}")
    if not any(g["gate"] == gate for g in gates_of(catalogs, enrollment)):
        raise InvalidField("tariff", f"this enrollment has no {gate!r} gate")
    if gate in (enrollment.gates_passed or {}):
        raise Conflict(f"the gate {gate!r} is already passed", field="state", rule=known[gate])
    now = now.astimezone(timezone.utc)
    enrollment.gates_passed = {**(enrollment.gates_passed or {}), gate: now.isoformat()}
    enrollment.updated_at = now
    events.emit(session, enrollment, "gate_passed", gate=gate, rule=known[gate])
    audit.record(session, caller, "enrollment", enrollment.id, "gate_passed", after={"gate": gate})
