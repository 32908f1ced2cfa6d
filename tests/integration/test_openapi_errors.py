"""The OpenAPI document lists every /api/v1 operation's problem answers, and the answers match it (issue 9 §0)."""
from __future__ import annotations

import pytest

from tests.conftest import new_key

PROBLEM_JSON = "application/problem+json"
METHODS = ("get", "post", "put", "patch", "delete")


def operations(document: dict):
    for path, item in document["paths"].items():
        if path.startswith("/api/v1"):
            for method in METHODS:
                if method in item:
                    yield path, method, item[method]


def expected_codes(path: str, method: str, operation: dict) -> set[int]:
    """What the issue asks for, read from the operation itself (403 is checked apart: guards are not in it)."""
    codes = {401, 429}
    params = operation.get("parameters", [])
    body = "requestBody" in operation
    if any(p["in"] == "path" for p in params):
        codes.add(404)
    if body:
        codes |= {400, 413, 422}
    if method != "get":
        codes |= {409, 422}
    if any(p["in"] == "query" for p in params):
        codes.add(422)
    return codes


@pytest.fixture
def document(api):
    client = api[0]
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def problem_ref(document: dict, response: dict) -> dict:
    content = response["content"]
    assert list(content) == [PROBLEM_JSON]
    ref = content[PROBLEM_JSON]["schema"]["$ref"]
    assert ref.startswith("#/components/schemas/")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_every_operation_documents_its_problem_answers(document):
    seen = 0
    for path, method, operation in operations(document):
        seen += 1
        documented = {int(code) for code in operation["responses"] if code[0] in "45"}
        missing = expected_codes(path, method, operation) - documented
        assert not missing, f"{method.upper()} {path} lacks {sorted(missing)}"
        for code in documented:
            schema = problem_ref(document, operation["responses"][str(code)])
            assert {"type", "status", "title", "detail"} <= set(schema["required"]), f"{method.upper()} {path} {code}"
            assert {"errors", "rule"} <= set(schema["properties"])
    assert seen >= 30  # every controller's operations, not a handful


def test_role_guarded_operations_document_403_and_open_ones_do_not(document):
    ops = {(m, p): o for p, m, o in operations(document)}
    for key in [("post", "/api/v1/customers"), ("patch", "/api/v1/partner"), ("post", "/api/v1/subscriptions"),
                ("post", "/api/v1/transfers/{transfer_id}/decision")]:
        assert "403" in ops[key]["responses"], key
    for key in [("get", "/api/v1/customers"), ("get", "/api/v1/partner"), ("post", "/api/v1/quotes")]:
        assert "403" not in ops[key]["responses"], key
    assert "/health" in document["paths"] and "401" not in document["paths"]["/health"]["get"]["responses"]


def test_the_problem_schema_names_fields_and_rules(document):
    schemas = document["components"]["schemas"]
    problem = schemas["ProblemDetails"]
    errors = problem["properties"]["errors"]
    item = next(s["items"] for s in errors.get("oneOf", [errors]) if s.get("type") == "array")
    field = schemas[item["$ref"].rsplit("/", 1)[1]]
    assert set(field["required"]) == {"field", "message"}
    limited = document["paths"]["/api/v1/customers"]["get"]["responses"]["429"]
    assert "Retry-After" in limited["description"]


def test_real_answers_are_documented_problems(api, document):
    """Each answer below is problem+json, carries the required members, and its status is documented there."""
    client, a, _, url = api
    viewer = new_key(url, a.partner_id, "viewer")
    calls = [
        ("get", "/api/v1/customers", {}, {}, 401),
        ("post", "/api/v1/customers", {"json": {"legal_name": "ООО Вид", "country": "RU"}}, viewer, 403),
        ("get", "/api/v1/customers/{customer_id}", {}, a.headers, 404),
        ("post", "/api/v1/customers", {"content": b"{not json", "headers": {"content-type": "application/json"}},
         a.headers, 400),
        ("post", "/api/v1/customers", {"json": {"legal_name": "ООО Вид", "country": "XX"}}, a.headers, 422),
        ("get", "/api/v1/customers?limit=many", {}, a.headers, 422),
    ]
    for method, path, extra, headers, status in calls:
        extra = dict(extra)
        sent = {**headers, **extra.pop("headers", {})}
        response = client.request(method.upper(), path.replace("{customer_id}", "01JNOSUCHCUSTOMER"), headers=sent, **extra)
        assert response.status_code == status, (method, path, response.text)
        assert response.headers["content-type"] == PROBLEM_JSON
        body = response.json()
        assert body["status"] == status and body["type"] == "about:blank" and body["title"] and body["detail"]
        assert str(status) in document["paths"][path.split("?")[0]][method]["responses"], (method, path, status)
    assert body["errors"][0]["field"] == "limit"


def test_litestars_own_errors_are_problems(api):
    """Unknown route, wrong method and a body over the size limit: problem+json too, from hub/core/errors.py."""
    client, a, _, _ = api
    unknown = client.get("/api/v1/nowhere", headers=a.headers)
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM_JSON
    assert unknown.json()["title"] == "Not found"
    wrong = client.delete("/api/v1/customers", headers=a.headers)
    assert wrong.status_code == 405 and wrong.headers["content-type"] == PROBLEM_JSON
    assert wrong.json()["title"] == "Method Not Allowed" and "POST" in wrong.headers["allow"]
    big = client.post("/api/v1/customers", content=b" " * (10 * 1024 * 1024 + 1),
                      headers={**a.headers, "content-type": "application/json"})
    assert big.status_code == 413 and big.headers["content-type"] == PROBLEM_JSON
    assert big.json() == {"type": "about:blank", "status": 413, "title": "Request Entity Too Large",
                          "detail": "the body is larger than this operation takes (1,000,000 bytes)"}
