"""Quotes per second: the engine alone, and POST /api/v1/quotes against GET /health of the same app.

Run with `make bench`. It starts `hub serve` on a loopback port with a throwaway database
and API key, sends a bounded number of requests over one keep-alive connection, and prints
rates and ratios. The quote request is authenticated and reads the partner's standing; the
trivial endpoint (/health) is neither.
Not a test: numbers vary by machine; the ratios are what to compare.
"""
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py would shadow the standard library's http for a script run from this folder
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date

import httpx
import msgspec

from pricing import QuoteRequest, build_engines, compare, load_catalogs, with_what_if

NEED = {
    "region": "ru",
    "months": 12,
    "seat_plan": [{"users": 2, "configurations": ["zup", "bp"], "mode": "alternate"}, {"users": 3, "configurations": ["bp"]}],
    "options": ["premium"],
    "customer": {"new_to_1c": True},
    "partner": {"fresh_ru": {"csk": True, "service_desk_since": "2026-01-01"}, "rarus": {"agent_fee_percent": "20"}},
}
ENGINE_ROUNDS = 5_000
HTTP_ROUNDS = 1_000
MAX_SECONDS = 60


def rate(rounds: int, run) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        run()
        if time.perf_counter() - started > MAX_SECONDS:
            raise SystemExit("benchmark took too long; stopped")
    return rounds / (time.perf_counter() - started)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    engines = build_engines(load_catalogs())
    need = msgspec.convert(NEED, QuoteRequest)
    standing = with_what_if(None, need.partner)
    engine_rate = rate(ENGINE_ROUNDS, lambda: compare(need, engines, standing, date(2026, 11, 22)))

    port = free_port()
    env = dict(os.environ, HUB_DATA_DIR=tempfile.mkdtemp(prefix="hub-bench-"), HUB_WORKER="0",
               HUB_RATE_LIMIT_PER_MINUTE="1000000")
    env.pop("HUB_DATABASE_URL", None)

    def hub(*args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "hub.cli", *args], env=env, capture_output=True, text=True, check=True)
        return out.stdout.strip().splitlines()[-1]

    key = hub("key", "create", hub("partner", "create", "Bench"), "--role", "viewer")
    server = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10, headers={"Authorization": f"Bearer {key}"}) as client:
            for _ in range(100):
                try:
                    client.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            body = msgspec.json.encode(NEED)
            headers = {"content-type": "application/json"}
            warm = client.post("/api/v1/quotes", content=body, headers=headers)
            assert warm.status_code == 200, warm.text
            rate(100, lambda: client.post("/api/v1/quotes", content=body, headers=headers))  # warm-up
            api_rate = rate(HTTP_ROUNDS, lambda: client.post("/api/v1/quotes", content=body, headers=headers))
            trivial_rate = rate(HTTP_ROUNDS, lambda: client.get("/health"))
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(f"engine compare():          {engine_rate:10.0f} quotes/s")
    print(f"POST /api/v1/quotes:       {api_rate:10.0f} requests/s")
    print(f"GET /health (trivial):     {trivial_rate:10.0f} requests/s")
    print(f"quote API / trivial API:   {api_rate / trivial_rate:10.2f}")
    print(f"quote API / engine alone:  {api_rate / engine_rate:10.2f}")


if __name__ == "__main__":
    main()
