from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from litestar.testing import TestClient

from hub.app import create_app
from hub.clock import FixedClock
from hub.settings import Settings
from pricing import MOSCOW, build_engines, load_catalogs

ROOT = Path(__file__).resolve().parents[1]
# The day the suite pretends it is, so "today" defaults are reproducible.
TODAY = datetime(2026, 11, 22, 12, 0, tzinfo=MOSCOW)


def shared_dir() -> Path:
    return Path(os.environ.get("HUB_SHARED_DIR", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def seed_cases() -> list[dict]:
    path = shared_dir() / "acceptance" / "seed_cases.json"
    assert path.exists(), f"the acceptance cases are missing: {path} (set HUB_SHARED_DIR)"
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="session")
def catalogs():
    return load_catalogs()


@pytest.fixture(scope="session")
def engines(catalogs):
    return build_engines(catalogs)


@pytest.fixture
def client():
    app = create_app(Settings(), clock=FixedClock(TODAY))
    with TestClient(app) as c:
        yield c
