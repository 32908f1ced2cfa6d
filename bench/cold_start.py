"""Cold start of `hub serve` (issue 15): from the process starting to its first 200 on GET /health.

Run with `make bench-start`. Each run starts a fresh `hub serve` on a loopback port over one throwaway SQLite
database: the first run creates the schema, the others find it current (what every restart of a running hub
does). Prints each run and the min / median of the restarts; the last line is `cold start (s): X` (median).
Not a test: the figure depends on the machine and how busy it is.
"""
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py would shadow the standard library's http for a script run from this folder
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_once(env: dict[str, str]) -> float:
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "hub.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.01)
        raise SystemExit("the hub did not answer within 60 s")
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    env = dict(os.environ, HUB_DATA_DIR=tempfile.mkdtemp(prefix="hub-start-"), HUB_WORKER="0")
    env.pop("HUB_DATABASE_URL", None)
    first = start_once(env)
    print(f"first start (creates the schema): {first:.2f} s")
    restarts = [start_once(env) for _ in range(RUNS)]
    for number, seconds in enumerate(restarts, 1):
        print(f"restart {number}: {seconds:.2f} s")
    print(f"restarts: min {min(restarts):.2f} s, median {statistics.median(restarts):.2f} s")
    print(f"cold start (s): {statistics.median(restarts):.2f}")


if __name__ == "__main__":
    main()
