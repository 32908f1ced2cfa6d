"""Issue 15, cold start: what the hub's start and a request that does not need them must not import.

Each of these cost tens of milliseconds to import (polars ≈0.3 s); they load with the first request that uses
them. Measured by `make bench-start` (bench/cold_start.py); here only the behaviour: a fresh interpreter builds
the app and starts it (schema current, no worker) without them. A timing assertion would be noise."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("polars", "openpyxl", "holidays", "email_validator", "phonenumbers", "alembic", "mako", "duckdb",
         "httpcore")  # httpcore: the providers' clients are made with their first call

PROBE = """
import asyncio, json, sys
from hub.app import create_app
from hub.core.settings import Settings

async def main():
    app = create_app(Settings.from_env())
    async with app.lifespan():  # the start a restart runs: the schema is current
        pass
    return app

asyncio.run(main())
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def run_probe(env: dict[str, str]) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY)], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    import os

    env = dict(os.environ, HUB_DATA_DIR=str(tmp_path), HUB_WORKER="0")
    env.pop("HUB_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "hub.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    return env


def test_a_restart_imports_none_of_the_heavy_libraries(environment: dict[str, str]) -> None:
    assert run_probe(environment) == []


def test_a_reconciliation_still_finds_its_columnar_engine() -> None:
    """The lazy import is not a missing one: the run's modules load polars when they are used."""
    from hub.reconciliation import statements
    from hub.reconciliation.documents import STATEMENT

    table = statements.empty(STATEMENT)
    assert table.height == 0 and "line" in table.columns


def test_a_server_collects_garbage_again_once_its_app_is_built():
    """hub/cli/launch.py holds the collector through the imports; the server turns it on before serving."""
    import gc

    from hub.cli.running import collecting_from_now

    gc.disable()
    try:
        collecting_from_now()
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_command_line_entry_holds_the_collector_only_while_it_imports(tmp_path: Path):
    import os

    probe = """
import gc, sys
import hub.cli
from hub.cli import launch
real = hub.cli.main
def watched():
    print("importing: collecting", gc.isenabled())
    code = real()
    print("after the command: collecting", gc.isenabled())
    return code
hub.cli.main = watched
sys.argv = ["hub", "partner", "list", "--json"]
sys.exit(launch.main())
"""
    env = dict(os.environ, HUB_DATA_DIR=str(tmp_path))
    env.pop("HUB_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "importing: collecting False" and lines[-1] == "after the command: collecting True", lines
