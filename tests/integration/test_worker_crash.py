"""A worker killed with SIGKILL mid-run, then restarted: nothing lost, nothing done twice at a provider."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import httpx

from .live import open_live

PER_PROVIDER = 15


def worker_env(live) -> dict[str, str]:
    s = live.settings
    env = dict(os.environ, HUB_DATABASE_URL=s.database, HUB_POLL_SECONDS="0.1", HUB_WORKER_LEASE_SECONDS="3",
               HUB_RETRY_BASE_SECONDS="0.05", HUB_HTTP_READ_TIMEOUT="1.0", HUB_BREAKER_COOLDOWN="0.3",
               HUB_SMTP_PORT=str(s.smtp_port), HUB_MAIL_FROM=s.mail_from)
    env.update({f"HUB_{p.upper()}_URL": url for p, url in s.provider_urls.items()})
    return env


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hub.cli", "worker"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


async def operations(live) -> Counter:
    page = (await live.client.get("/api/v1/operations", params={"limit": 200}, headers=live.headers)).json()
    return Counter((o["kind"], o["status"]) for o in page["items"])


async def test_sigkill_mid_run_loses_nothing_and_doubles_nothing(database_url, sandboxes):
    live = await open_live(database_url, sandboxes)
    first = second = None
    try:
        for provider in ("fresh_ru", "rarus"):
            for _ in range(PER_PROVIDER):
                await live.enroll(provider)
            # slow answers and lost answers keep calls in flight when the worker dies
            for fault in ({"kind": "slow", "delay": 0.8, "probability": 0.4}, {"kind": "lost_response", "probability": 0.2}):
                httpx.post(f"{sandboxes.served[provider].url}/_control/faults",
                           json={**fault, "operation": "*", "times": 0})
        env = worker_env(live)
        first = start_worker(env)
        deadline = time.monotonic() + 60
        while True:
            ops = await operations(live)
            running = sum(n for (_, status), n in ops.items() if status == "running")
            done = sum(n for (_, status), n in ops.items() if status == "succeeded")
            if running and done:
                break
            assert time.monotonic() < deadline, ops
            await asyncio.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        states = Counter(e["state"] for e in await live.enrollments())
        assert states["trial_active"] < 2 * PER_PROVIDER, "killed too late to prove anything"

        second = start_worker(env)
        deadline = time.monotonic() + 120
        while not all(e["state"] == "trial_active" for e in await live.enrollments()):
            assert time.monotonic() < deadline, Counter(e["state"] for e in await live.enrollments())
            await asyncio.sleep(0.2)

        invitations = Counter(i.email for i in sandboxes.states["fresh_ru"].invitations.values())
        trials = Counter(r.customer["email"] for r in sandboxes.states["rarus"].requests.values())
        assert len(invitations) == PER_PROVIDER and set(invitations.values()) == {1}
        assert len(trials) == PER_PROVIDER and set(trials.values()) == {1}
        ops = await operations(live)
        assert ops[("request_access", "succeeded")] == 2 * PER_PROVIDER
        assert not [key for key in ops if key[1] in ("pending", "running", "failed")]
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
        await live.client.__aexit__(None, None, None)
