"""What the end-to-end tests share: the environment of a `hub up` on each backend."""
from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from ..conftest import BACKENDS


@pytest.fixture(scope="module", params=BACKENDS)
def demo_env(request, tmp_path_factory) -> dict[str, str]:
    env = dict(os.environ, HUB_DATA_DIR=str(tmp_path_factory.mktemp("demo-data")), HUB_POLL_SECONDS="0.2",
               HUB_RETRY_BASE_SECONDS="0.05")
    env.pop("HUB_DATABASE_URL", None)
    if request.param == "postgresql":
        env["HUB_DATABASE_URL"] = asyncio.run(request.getfixturevalue("postgres").create_database(f"demo_{uuid.uuid4().hex[:12]}"))
    return env


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a browser fixture can tell that its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report
