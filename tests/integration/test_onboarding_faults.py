"""200 enrollments over every provider with 20% transient faults of every kind, lost responses included:
every enrollment reaches its trial, and each provider holds exactly one request per user."""
from __future__ import annotations

from collections import Counter

import httpx

from .live import running
from .test_onboarding import all_active, drive

SPREAD = {"fresh_ru": 60, "fresh_kz": 40, "medicine": 40, "rarus": 60}
KINDS = ("error", "throttle", "slow", "drop", "lost_response")
SHARE = 0.20


def switch_on_faults(sandboxes) -> None:
    for name in SPREAD:
        http = sandboxes.served[name].url
        for kind in KINDS:
            fault = {"kind": kind, "operation": "*", "times": 0, "probability": SHARE / len(KINDS),
                     "retry_after": 1, "delay": 1.5}
            assert httpx.post(f"{http}/_control/faults", json=fault).status_code == 201


def exactly_one_per_user(sandboxes) -> None:
    states = sandboxes.states
    for provider in ("fresh_ru", "fresh_kz", "medicine"):
        per_email = Counter(i.email for i in states[provider].invitations.values())
        assert len(per_email) == SPREAD[provider] and set(per_email.values()) == {1}, provider
    trials = Counter(r.customer["email"] for r in states["rarus"].requests.values())
    assert len(trials) == SPREAD["rarus"] and set(trials.values()) == {1}
    certificates = Counter(u["email"] for r in sandboxes.desk.requests for u in r.users)
    assert len(certificates) == SPREAD["medicine"] and set(certificates.values()) == {1}


async def test_200_enrollments_through_faults(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        for provider, count in SPREAD.items():
            for _ in range(count):
                await live.enroll(provider)
        switch_on_faults(sandboxes)
        await drive(live, worker, all_active, timeout=600)
        hits = Counter(h.split(":")[0] for name in SPREAD
                       for h in httpx.get(f"{sandboxes.served[name].url}/_control/faults").json()["hits"])
        assert set(hits) == set(KINDS), hits  # every kind of fault really happened
        exactly_one_per_user(sandboxes)
        assert len(await live.enrollments()) == sum(SPREAD.values())
