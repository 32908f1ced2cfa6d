from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.auth import needs
from hub.core.clock import Clock
from hub.customers.schemas import CustomerCreate, CustomerOut, CustomerPage, CustomerUpdate
from hub.reports import churn
from hub.customers import service as customers
from hub.core.deps import idempotent_write


class CustomersController(Controller):
    path = "/api/v1/customers"
    tags = ["customers"]

    @post(guards=[needs("operator")], summary="Add a customer", status_code=201)
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[CustomerCreate]) -> Response[CustomerOut]:
        """Bad input is a 422 naming the field; nothing is stored. Accepts Idempotency-Key."""
        return await idempotent_write(request, 201, lambda s: customers.create(s, request.user, data))

    @get(summary="The partner's customers, filtered and paginated")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession], q: FromQuery[str | None] = None,
                    country: FromQuery[str | None] = None, inn: FromQuery[str | None] = None, bin_iin: FromQuery[str | None] = None,
                    new_to_1c: FromQuery[bool | None] = None, limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> CustomerPage:
        return await customers.search(session, request.user, q=q, country=country, inn=inn, bin_iin=bin_iin,
                                      new_to_1c=new_to_1c, limit=limit, offset=offset)

    @get("/{customer_id:str}", summary="One customer with card completeness per provider")
    async def read(self, request: Request[Any, Any, Any], customer_id: FromPath[str],
                   session: NamedDependency[AsyncSession]) -> CustomerOut:
        return await customers.read(session, request.user, customer_id)

    @post("/{customer_id:str}/departures", guards=[needs("operator")], status_code=201,
          summary="Record a customer leaving a provider: churn with a reason, or an ITS transition (FAM-SUB-15)")
    async def depart(self, request: Request[Any, Any, Any], customer_id: FromPath[str],
                     data: JSONBody[churn.DepartureCreate]) -> Response[churn.DepartureOut]:
        return await idempotent_write(request, 201, lambda s: churn.record(s, request.user, customer_id, data))

    @patch("/{customer_id:str}", guards=[needs("operator")], summary="Change a customer's card")
    async def update(self, request: Request[Any, Any, Any], customer_id: FromPath[str],
                     data: JSONBody[CustomerUpdate], clock: NamedDependency[Clock]) -> Response[CustomerOut]:
        """Absent fields stay, null clears. Accepts Idempotency-Key."""
        return await idempotent_write(request, 200, lambda s: customers.update(s, request.user, customer_id, data, clock.now()))
