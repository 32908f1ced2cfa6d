from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.auth import needs
from hub.subscriptions.schemas import (StoreExtensionCreate, SubscriptionCorrection, SubscriptionCreate, SubscriptionOut,
                                       SubscriptionPage)
from hub.subscriptions.service import Subscriptions
from hub.core.deps import idempotent_write


class SubscriptionsController(Controller):
    path = "/api/v1/subscriptions"
    tags = ["subscriptions"]

    @post(guards=[needs("operator")], status_code=201, summary="Order a paid subscription, or preview it (dry_run)")
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[SubscriptionCreate],
                     subscriptions: NamedDependency[Subscriptions],
                     session: NamedDependency[AsyncSession]) -> Response[SubscriptionOut]:
        """Checked against RULES §3 before anything reaches the provider; refusals name the rule.
        `dry_run: true` returns the price breakdown and changes nothing. Accepts Idempotency-Key."""
        if data.dry_run:
            preview = await subscriptions.create(session, request.user, data)
            return Response(preview, status_code=200)
        return await idempotent_write(request, 201, lambda s: subscriptions.create(s, request.user, data))

    @post("/{subscription_id:str}/self-extension", guards=[needs("operator")], status_code=202,
          summary="The free 7-day extension, once per subscription (FAM-SUB-06); after the end, the promised payment (FAM-SUB-07)")
    async def extend(self, request: Request[Any, Any, Any], subscription_id: FromPath[str],
                     subscriptions: NamedDependency[Subscriptions]) -> Response[SubscriptionOut]:
        return await idempotent_write(request, 202, lambda s: subscriptions.extend(s, request.user, subscription_id))

    @post("/{subscription_id:str}/store-extensions", guards=[needs("operator")], status_code=201,
          summary="Record an extension of 1С:Магазин расширений the customer connected (FR-DISC-06): the partner "
                  "earns 20% of its retail, and the provider's bill for the rest is expected in reconciliation")
    async def store_extension(self, request: Request[Any, Any, Any], subscription_id: FromPath[str],
                              data: JSONBody[StoreExtensionCreate],
                              subscriptions: NamedDependency[Subscriptions]) -> Response[SubscriptionOut]:
        """The customer connects the extension in the store itself, so nothing is sent to the provider; give
        `provider_number` (its subscription in the Service Manager) so the monthly statement is matched to it."""
        return await idempotent_write(request, 201, lambda s: subscriptions.connect_store_extension(
            s, request.user, subscription_id, data))

    @post("/{subscription_id:str}/corrections", guards=[needs("operator")], status_code=202,
          summary="Correct or cancel a subscription: by API within the provider's window, else by e-mail within "
                  "the month (FR-SUB-12, FK-SUB-12); never for non-payment (FAM-SUB-13)")
    async def correct(self, request: Request[Any, Any, Any], subscription_id: FromPath[str],
                      data: JSONBody[SubscriptionCorrection], subscriptions: NamedDependency[Subscriptions]) -> Response[SubscriptionOut]:
        return await idempotent_write(request, 202, lambda s: subscriptions.correct(s, request.user, subscription_id, data))

    @get(summary="Subscriptions, filtered (customer, provider, kind, status, ending between)")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    subscriptions: NamedDependency[Subscriptions], customer_id: FromQuery[str | None] = None,
                    provider: FromQuery[str | None] = None, kind: FromQuery[str | None] = None,
                    status: FromQuery[str | None] = None,
                    ending_from: FromQuery[date | None] = None, ending_to: FromQuery[date | None] = None,
                    limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> SubscriptionPage:
        return await subscriptions.search(session, request.user, customer_id=customer_id, provider=provider, kind=kind,
                                          status=status, ending_from=ending_from, ending_to=ending_to, limit=limit,
                                          offset=offset)

    @get("/{subscription_id:str}", summary="One subscription with what the provider confirmed")
    async def read(self, request: Request[Any, Any, Any], subscription_id: FromPath[str],
                   session: NamedDependency[AsyncSession], subscriptions: NamedDependency[Subscriptions]) -> SubscriptionOut:
        return await subscriptions.read(session, request.user, subscription_id)
