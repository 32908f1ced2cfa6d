"""Property-based: requests generated from the hub's own OpenAPI document (schemathesis), valid and
invalid alike, on SQLite and PostgreSQL — none is answered with a 5xx (issue 9 §1).

Schemathesis makes the cases; they are sent through the same in-process client as every API test
(the app with its real database), with a valid key so they reach the handlers.
"""
from __future__ import annotations

import asyncio
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from schemathesis import GenerationMode

from ..conftest import app_for, make_tenant
from .helpers import RU_CUSTOMER

EXAMPLES = {GenerationMode.POSITIVE: 500, GenerationMode.NEGATIVE: 500}  # per backend: at least 1,000 requests


@pytest.fixture(scope="module")
def hub(module_database_url):
    url = module_database_url
    tenant = asyncio.run(make_tenant(url, "ООО Альфа"))
    with TestClient(app_for(url, rate_limit_per_minute=0, auth_failures_per_minute=0)) as client:
        customer = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=tenant.headers)
        assert customer.status_code == 201, customer.text
        yield client, tenant.headers


def _send(client: TestClient, headers: dict[str, str], case) -> int:
    """The case as schemathesis serialises it (body, media type, query), sent with a valid key."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver.local", headers=headers)
    body = kwargs.get("data")
    if body is None and "json" in kwargs:
        body = json.dumps(kwargs["json"], default=repr).encode()
    headers = dict(kwargs.get("headers") or {})
    if kwargs.get("cookies"):
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in kwargs["cookies"].items())
    return client.request(kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=headers,
                          content=body).status_code


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=str)
def test_no_generated_request_is_answered_with_a_5xx(hub, mode):
    client, headers = hub
    schema = schemathesis.openapi.from_dict(client.get("/schema/openapi.json").json())
    server_errors: list[str] = []
    sent = 0

    @settings(max_examples=EXAMPLES[mode], deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=schema.as_strategy(mode), data=st.data())
    def check(case, data) -> None:
        nonlocal sent
        status = _send(client, headers, case)
        sent += 1
        if status >= 500:
            server_errors.append(f"{status} {case.method} {case.formatted_path} query={case.query!r} "
                                 f"body={str(case.body)[:300]}")

    check()
    assert sent >= EXAMPLES[mode] * 0.9, sent
    assert server_errors == [], "\n".join(server_errors[:20])
