"""The Starlette application: `/graphql` (HTTP and WebSocket), `/healthz`, `/readyz`, `/metrics`.

Middleware, outermost first: the request observer (request id, access log, HTTP metrics, server
span), CORS (only with `CORS_ORIGINS`), the body size limit (413), the
per-client request budget (429).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Final

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

from api.graphiql import asset_route as graphiql_assets
from api.graphql.view import EcuapassGraphQL
from api.http_guards import BodySizeLimit, RequestBudget
from api.observability.logs import REQUEST_ID_HEADER
from api.observability.metrics import metrics_endpoint
from api.observability.middleware import RequestObserver
from api.observability.tracing import configure_tracing
from api.persistence.db import ping as ping_database
from api.persistence.migrate import upgrade_to_head
from api.persistence.request_budget import RequestBudgetCounter
from api.resolvers.webhook_payloads import render as render_webhook_payload
from api.security_headers import SecurityHeaders
from api.services.container import build_services
from api.services.demo import seed_demo
from api.services.events import EventHub, run_relay
from api.services.notify import run_delivery
from api.services.webhooks import run_webhook_delivery
from api.settings import Environment, Settings

log = logging.getLogger("api")

GRAPHQL_PATH = "/graphql"
READINESS_TIMEOUT_SECONDS = 1.5
# Net allocations before a young collection: ten times Python's default (see settle_heap).
YOUNG_GENERATION_THRESHOLD = 7000


def settle_heap() -> None:
    """Moves everything alive after start-up out of the garbage collector's sight, and lets the
    young generation grow before it is collected.

    The schema, the catalogs and the imported modules live as long as the process, yet every
    full collection walked them all again: pauses that made up the p99 of every request
    (docs/performance.md). Frozen objects are still freed by reference counting; only cycles
    among them would stay.

    Most of what a request allocates is freed by reference counting; at the default threshold
    (700) young collections still ran every few requests, walking whatever the requests in
    flight held.
    """
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def _check(name: str, probe: Any) -> tuple[str, str]:
    try:
        await asyncio.wait_for(probe, timeout=READINESS_TIMEOUT_SECONDS)
    except Exception as error:
        return name, f"unavailable: {type(error).__name__}"
    return name, "ok"


# What real clients send: Apollo's client awareness and CSRF headers, W3C trace context, ours.
CORS_REQUEST_HEADERS: Final = [
    "Authorization",
    "Content-Type",
    "Accept-Language",
    "X-Request-ID",
    "traceparent",
    "tracestate",
    "baggage",
    "apollographql-client-name",
    "apollographql-client-version",
    "apollo-require-preflight",
]


def middleware(
    settings: Settings, routes: Sequence[str], budget: RequestBudgetCounter | None
) -> list[Middleware]:
    stack = [
        Middleware(SecurityHeaders, hsts_max_age_seconds=settings.hsts_max_age_seconds),
        Middleware(RequestObserver, routes=routes, trusted_proxies=settings.trusted_proxies),
    ]
    if settings.cors_origins:
        # Bearer tokens, not cookies: no credentials mode. Preflights are cached ten minutes.
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=CORS_REQUEST_HEADERS,
                expose_headers=[REQUEST_ID_HEADER],
                max_age=600,
            )
        )
    # Before anything reads a body.
    stack.append(
        Middleware(
            BodySizeLimit,
            max_bytes=settings.max_request_body_bytes,
            timeout_seconds=settings.request_body_timeout_seconds,
        )
    )
    if budget is not None:
        stack.append(
            Middleware(
                RequestBudget,
                counter=budget,
                routes=[GRAPHQL_PATH],
                trusted_proxies=settings.trusted_proxies,
            )
        )
    return stack


def create_app(settings: Settings) -> Starlette:
    services = build_services(settings)
    hub = EventHub(services)
    graphql = EcuapassGraphQL(
        services,
        hub,
        allowed_origins=settings.cors_origins,
        trusted_proxies=settings.trusted_proxies,
        production=settings.environment is Environment.PRODUCTION,
        graphiql=settings.graphiql_enabled,
    )
    tracing = configure_tracing(settings)
    database_name = "sqlite" if settings.is_sqlite else "postgres"

    async def readyz(_: Request) -> Response:
        checks = dict(
            await asyncio.gather(
                _check(database_name, ping_database(services.engine)),
                _check("redis", services.redis.ping()),
            )
        )
        failing = sorted(name for name, state in checks.items() if state != "ok")
        body = {
            "status": "ready" if not failing else "unavailable",
            "failing": failing,
            "checks": checks,
        }
        return JSONResponse(body, status_code=503 if failing else 200)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if settings.should_auto_migrate:
            await asyncio.to_thread(upgrade_to_head, settings.database_url)
        if settings.should_seed_demo:
            created = await seed_demo(services)
            log.info("demo data ready (%d new %s)", created, "user" if created == 1 else "users")
        settle_heap()
        stop = asyncio.Event()
        background = [
            asyncio.create_task(hub.run(stop), name="event-hub"),
            asyncio.create_task(run_delivery(services, stop), name="notice-delivery"),
        ]
        if settings.run_relay:
            background.append(asyncio.create_task(run_relay(services, stop), name="outbox-relay"))
        if settings.run_webhook_delivery:
            background.append(
                asyncio.create_task(
                    run_webhook_delivery(services, stop, render_webhook_payload),
                    name="webhook-delivery",
                )
            )
        yield
        stop.set()
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await services.close()
        if tracing is not None:
            await asyncio.to_thread(tracing.shutdown)

    routes: list[Route | WebSocketRoute] = [
        Route(GRAPHQL_PATH, graphql, methods=["GET", "POST"]),
        WebSocketRoute(GRAPHQL_PATH, graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    if settings.graphiql_enabled:
        # The files GraphiQL's page loads: served here, the page needs no other server.
        routes.append(graphiql_assets())
    if settings.metrics_enabled:
        routes.append(
            Route(
                "/metrics",
                metrics_endpoint(
                    services, lambda: len(hub.subscribers), token=settings.metrics_token
                ),
            )
        )
    return Starlette(
        routes=routes,
        middleware=middleware(settings, [route.path for route in routes], services.request_budget),
        lifespan=lifespan,
    )
