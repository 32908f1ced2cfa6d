"""The hot path under a real load generator (issue 15): `make bench`.

Starts `hub serve` on a loopback port with a throwaway SQLite database and an operator key, pins it to one
core and the load generator to another (when the machine has two and `taskset` is there), and measures in
each round, one right after the other:

- throughput (wrk, 32 connections): GET /health, POST /api/v1/quotes (the README's quote, authenticated),
  POST /api/v1/customers (a new customer each request);
- the same with a quote the process has not answered before on each request (the second seat line's users run
  through 1…10000, more than the answers kept): the whole way, checks, decoding and engines — what the repeated
  quote skips once its answer is kept (hub/quotes/known.py);
- p99 latency at half of the quote's throughput (hey at a fixed rate): the quote, and /health at that rate.

It prints each round, then min / median / max of each ratio; the last line is `quotes/health: X` (median).
Not a test: the figures depend on the machine; the ratios within one round are what to compare. Without wrk
it says so and stops (`make bench` installs wrk and hey with apt when missing).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # this file is http.py: the stdlib's http first

import importlib.util  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402
import msgspec  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_quotes", HERE / "quotes.py")
_quotes = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_quotes)  # type: ignore[union-attr]
NEED = _quotes.NEED  # the README's quote, as bench/quotes.py sends it

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = 32

POST_SCRIPT = """
wrk.method = "POST"
wrk.body = [[{body}]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
"""
NEW_QUOTE_SCRIPT = """
local n = 0
function request()
  n = n % 10000 + 1
  local body = [[{head}]] .. n .. [[{tail}]]
  return wrk.format("POST", "/api/v1/quotes",
    {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer {key}"}}, body)
end
"""
CUSTOMER_SCRIPT = """
local n = 0
local thread_id = 0
function setup(thread) thread_id = thread_id + 1; thread:set("tid", thread_id) end
function request()
  n = n + 1
  local body = '{{"legal_name": "ООО Нагрузка ' .. tid .. '-' .. n .. '", "country": "RU"}}'
  return wrk.format("POST", "/api/v1/customers",
    {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer {key}"}}, body)
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(core: int | None, command: list[str]) -> list[str]:
    return ["taskset", "-c", str(core), *command] if core is not None else command


def seconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def wrk(url: str, script: str | None, core: int | None) -> dict[str, float]:
    """Requests/s, p99 (s) and non-2xx count of one wrk run."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as lua:
        lua.write(script or "")
    if script:
        command += ["-s", lua.name]
    out = subprocess.run(pinned(core, [*command, url]), capture_output=True, text=True, check=True).stdout
    os.unlink(lua.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
            "p99": seconds(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)),  # type: ignore[union-attr]
            "errors": float(errors.group(1)) if errors else 0.0,
            "socket_errors": float(sum(int(g) for g in failed.groups())) if failed else 0.0}


def hey_p99(url: str, rate: float, core: int | None, body: bytes | None = None, key: str | None = None) -> float | None:
    """p99 (s) at a fixed total ``rate`` over the same 32 connections, or None without hey."""
    if shutil.which("hey") is None:
        return None
    command = ["hey", "-z", f"{SECONDS}s", "-c", str(CONNECTIONS), "-q", f"{max(rate / CONNECTIONS, 0.1):.2f}"]
    body_file = None
    if body is not None:
        body_file = tempfile.NamedTemporaryFile("wb", delete=False)
        body_file.write(body)
        body_file.close()
        command += ["-m", "POST", "-T", "application/json", "-H", f"Authorization: Bearer {key}", "-D", body_file.name]
    out = subprocess.run(pinned(core, [*command, url]), capture_output=True, text=True, check=True).stdout
    if body_file is not None:
        os.unlink(body_file.name)
    found = re.search(r"99%% in ([\d.]+) secs".replace("%%", "%"), out)
    return float(found.group(1)) if found else None


def spread(values: list[float]) -> str:
    return f"min {min(values):.2f}  median {statistics.median(values):.2f}  max {max(values):.2f}"


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed: `make bench` installs it (apt-get install wrk); bench/quotes.py measures with "
              "one Python client instead, whose own speed caps /health — its ratios understate the hub")
        return 1
    two_cores = (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
    server_core, load_core = (0, 1) if two_cores else (None, None)
    data = tempfile.mkdtemp(prefix="hub-bench-")
    env = dict(os.environ, HUB_DATA_DIR=data, HUB_WORKER="0", HUB_RATE_LIMIT_PER_MINUTE="1000000000")  # counted, never reached
    env.pop("HUB_DATABASE_URL", None)

    def hub(*args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "hub.cli", *args], env=env, capture_output=True, text=True, check=True)
        return out.stdout.strip().splitlines()[-1]

    key = hub("key", "create", hub("partner", "create", "Bench"), "--role", "operator")
    port = free_port()
    log = Path(data) / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(pinned(server_core, [sys.executable, "-m", "hub.cli", "serve", "--port", str(port)]),
                                  env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    body = msgspec.json.encode(NEED)
    rows: list[dict[str, float]] = []
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        check = httpx.post(f"{base}/api/v1/quotes", content=body, headers={
            "content-type": "application/json", "authorization": f"Bearer {key}"})
        assert check.status_code == 200, check.text
        quote_script = POST_SCRIPT.format(body=body.decode(), key=key)
        head, tail = body.decode().rsplit('"users":3', 1)  # the second seat line's users vary
        new_quote_script = NEW_QUOTE_SCRIPT.format(head=head + '"users":', tail=tail, key=key)
        print(f"server on core {server_core}, wrk/hey on core {load_core}; {CONNECTIONS} connections, {SECONDS} s a run")
        for number in range(1, ROUNDS + 1):
            health = wrk(f"{base}/health", None, load_core)
            quotes = wrk(f"{base}/api/v1/quotes", quote_script, load_core)
            new_quotes = wrk(f"{base}/api/v1/quotes", new_quote_script, load_core)
            customers = wrk(f"{base}/api/v1/customers", CUSTOMER_SCRIPT.format(key=key), load_core)
            half = quotes["rate"] / 2
            quote_p99 = hey_p99(f"{base}/api/v1/quotes", half, load_core, body, key)
            health_p99 = hey_p99(f"{base}/health", half, load_core)
            row = {"health": health["rate"], "quotes": quotes["rate"], "new_quotes": new_quotes["rate"],
                   "customers": customers["rate"], "customers_p99": customers["p99"],
                   "errors": quotes["errors"] + new_quotes["errors"] + customers["errors"],
                   "quote_p99_half": quote_p99 or 0.0, "health_p99_half": health_p99 or 0.0}
            rows.append(row)
            print(f"round {number}: /health {health['rate']:.0f}/s, quotes {quotes['rate']:.0f}/s, new quotes "
                  f"{new_quotes['rate']:.0f}/s, customers "
                  f"{customers['rate']:.0f}/s (p99 {customers['p99'] * 1000:.0f} ms), non-2xx {row['errors']:.0f}; "
                  + (f"at {half:.0f}/s p99 quote {quote_p99 * 1000:.1f} ms, /health {health_p99 * 1000:.1f} ms"
                     if quote_p99 and health_p99 else "half-load p99: hey is not installed (apt-get install hey)"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    locked = log.read_text(errors="replace").count("database is locked")
    print(f"'database is locked' in the server's log: {locked}")
    if all(r["quote_p99_half"] and r["health_p99_half"] for r in rows):
        print(f"quote p99 / health p99 at half the quote rate: {spread([r['quote_p99_half'] / r['health_p99_half'] for r in rows])}")
    print(f"customers p99 at {CONNECTIONS} connections (ms): {spread([r['customers_p99'] * 1000 for r in rows])}")
    print(f"customers/health: {spread([r['customers'] / r['health'] for r in rows])}")
    print(f"new quotes/health (a need not answered before, each request): "
          f"{spread([r['new_quotes'] / r['health'] for r in rows])}")
    print(f"quotes/health ratios: {spread([r['quotes'] / r['health'] for r in rows])}")
    print(f"quotes/health: {statistics.median([r['quotes'] / r['health'] for r in rows]):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
