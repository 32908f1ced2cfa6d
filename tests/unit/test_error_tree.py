"""One error tree rooted in the hub (hub/core/exceptions.py) beside pricing's, translated in one place."""
from __future__ import annotations

import pytest

from pricing import PricingError, RuleViolation
from hub.core.errors import EXCEPTION_HANDLERS, on_error
from hub.core.exceptions import REFUSALS, Conflict, Forbidden, HubError, InvalidField, Malformed, NotFound, Unavailable
from hub.core.problems import from_error


@pytest.mark.parametrize("error, status", [(InvalidField("inn", "bad"), 422), (NotFound("no customer x"), 404),
                                           (Malformed("not JSON"), 400), (Conflict("again"), 409),
                                           (Unavailable("no key"), 503), (Forbidden("viewer"), 403)])
def test_the_hubs_errors_are_the_hubs_not_pricings(error, status):
    assert isinstance(error, HubError) and not isinstance(error, PricingError)
    assert error.status == status


def test_both_roots_are_translated_by_the_one_handler():
    assert set(REFUSALS) == {HubError, PricingError}
    assert all(EXCEPTION_HANDLERS[root] is on_error for root in REFUSALS)


def test_the_bodies_are_as_before():
    assert from_error(NotFound("no customer x")) == {"type": "about:blank", "status": 404, "title": "Not found",
                                                     "detail": "no customer x"}
    assert from_error(InvalidField("inn", "bad", rule="FAM-ONB-04")) == {
        "type": "about:blank", "status": 422, "title": "Refused by a business rule", "detail": "bad",
        "rule": "FAM-ONB-04", "errors": [{"field": "inn", "message": "bad"}]}
    assert from_error(InvalidField("inn", "bad"))["title"] == "Invalid request"
    assert from_error(RuleViolation("FAM-SUB-03", "dumping", field="customer_price")) == {
        "type": "about:blank", "status": 422, "title": "Refused by a business rule", "detail": "dumping",
        "rule": "FAM-SUB-03", "errors": [{"field": "customer_price", "message": "dumping"}]}
