"""Switchable faults, per operation: what a flaky provider does to its callers.

kinds: ``error`` (HTTP 5xx), ``throttle`` (429 with Retry-After), ``slow`` (answers after
``delay`` seconds), ``drop`` (the connection breaks before anything is done),
``lost_response`` (the operation is applied, then the connection breaks, so a blind
retry would do it twice). Statement defects are separate: ``missing``, ``duplicate``
and ``wrong_discount`` lines.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

import msgspec

Kind = Literal["error", "throttle", "slow", "drop", "lost_response"]
ANY = "*"


class Fault(msgspec.Struct, forbid_unknown_fields=True):
    kind: Kind
    operation: str = ANY  # e.g. "invitation/send", "POST /api/v1/trial-requests", or "*"
    times: int = 1  # how many calls it hits; 0 = until cleared
    status: int = 503
    retry_after: int = 1
    delay: float = 2.0
    probability: float = 1.0  # the share of matching calls it hits (seeded, so runs repeat)


class StatementDefects(msgspec.Struct, forbid_unknown_fields=True):
    missing: int = 0  # lines left out
    duplicate: int = 0  # lines given twice
    wrong_discount: int = 0  # lines with a discount off by 5 points


@dataclass
class FaultPlan:
    faults: list[Fault] = field(default_factory=list)
    statements: StatementDefects = field(default_factory=StatementDefects)
    hits: list[str] = field(default_factory=list)
    seed: int = 20261122

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.faults.clear()
        self.statements = StatementDefects()

    def take(self, operation: str) -> Fault | None:
        """The fault that hits this call, if any (counting it down)."""
        for fault in self.faults:
            if fault.operation in (ANY, operation):
                if fault.probability < 1.0 and self._random.random() >= fault.probability:
                    continue
                if fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                self.hits.append(f"{fault.kind}:{operation}")
                return fault
        return None
