"""Prometheus metrics of this process (`/metrics`). Each API process counts its own; Prometheus
scrapes every process and adds them up.

Label values come from closed sets only (routes of the app, root fields of the schema, status
codes), never from what a client writes: a client cannot grow the number of series.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import TYPE_CHECKING, Final, Generic, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from api.services.container import Services

log = logging.getLogger("api.metrics")

# The `*_created` series double the output and no dashboard here reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

# Seconds; the API answers most requests in a few milliseconds, sign-in (argon2) in ~100 ms.
LATENCY_BUCKETS: Final = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
SCRAPE_PROBE_TIMEOUT_SECONDS: Final = 1.0

LabelledMetric = TypeVar("LabelledMetric", Counter, Histogram)


class Children(Generic[LabelledMetric]):
    """The children of a labelled metric, kept by label values. `labels()` checks and joins its
    arguments and takes the metric's lock on every call: a few microseconds on every request
    for a series that exists after the first. The label values come from closed sets, so the
    dictionary stays as small as the metric."""

    __slots__ = ("children", "metric")

    def __init__(self, metric: LabelledMetric) -> None:
        self.metric: LabelledMetric = metric
        self.children: dict[tuple[str, ...], LabelledMetric] = {}

    def __call__(self, *values: str) -> LabelledMetric:
        child = self.children.get(values)
        if child is None:
            child = self.children[values] = self.metric.labels(*values)
        return child


HTTP_REQUEST_DURATION: Final = Histogram(
    "ecuapass_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route and status code.",
    ("method", "route", "status"),
    buckets=LATENCY_BUCKETS,
)
HTTP_REQUESTS_REFUSED: Final = Counter(
    "ecuapass_http_requests_refused",
    "HTTP requests refused before reaching the application, by reason.",
    ("reason",),
)
WEBSOCKET_CONNECTIONS: Final = Gauge(
    "ecuapass_websocket_connections", "WebSocket connections open in this process."
)
GRAPHQL_OPERATIONS: Final = Counter(
    "ecuapass_graphql_operations",
    "GraphQL operations executed, by root field (or `multiple`, `invalid`), type and outcome: "
    "ok, user_error (a payload with `errors`), error (GraphQL errors).",
    ("operation", "type", "outcome"),
)
GRAPHQL_OPERATION_DURATION: Final = Histogram(
    "ecuapass_graphql_operation_duration_seconds",
    "Time to execute a GraphQL query or mutation (parse, validate, execute), by root field.",
    ("operation", "type"),
    buckets=LATENCY_BUCKETS,
)
# The series every request touches, by label values.
HTTP_REQUEST_DURATION_BY: Final = Children(HTTP_REQUEST_DURATION)
GRAPHQL_OPERATIONS_BY: Final = Children(GRAPHQL_OPERATIONS)
GRAPHQL_OPERATION_DURATION_BY: Final = Children(GRAPHQL_OPERATION_DURATION)
SECURITY_CODES_SENT: Final = Counter(
    "ecuapass_security_codes_sent", "Security codes e-mailed (requestSecurityCode)."
)
SIGN_IN_FAILURES: Final = Counter(
    "ecuapass_sign_in_failures",
    "Refused sign-ins, by reason: invalid_credentials, rate_limited, account_disabled.",
    ("reason",),
)
OUTBOX_LAG: Final = Gauge(
    "ecuapass_outbox_lag_events",
    "Committed outbox events not yet in the Redis stream, measured at scrape time; -1 when "
    "PostgreSQL or Redis does not answer.",
)
EVENT_SUBSCRIBERS: Final = Gauge(
    "ecuapass_event_subscribers", "operatorEvents subscribers served by this process."
)


def count_sign_in_failure(reason: str) -> None:
    SIGN_IN_FAILURES.labels(reason=reason).inc()


async def measure_outbox_lag(services: Services) -> int:
    """max(outbox sequence) − the stream's last sequence, or -1 when either store is down."""
    from api.persistence.outbox import last_sequence
    from api.services.events import event_stream

    async def lag() -> int:
        async with services.reading() as session:
            committed = await last_sequence(session)
        stream = event_stream(services)
        published = await stream.last_sequence()
        if published is None:
            # A new or emptied Redis: the relay publishes only the recent tail (relay_once).
            published = max(0, committed - stream.max_length)
        return max(0, committed - published)

    try:
        return await asyncio.wait_for(lag(), timeout=SCRAPE_PROBE_TIMEOUT_SECONDS)
    except Exception as error:
        log.warning("outbox lag not measured: %s", type(error).__name__)
        return -1


def metrics_endpoint(
    services: Services,
    subscriber_count: Callable[[], int],
    registry: CollectorRegistry = REGISTRY,
    *,
    token: str | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """The `/metrics` handler: the gauges that live elsewhere are read at scrape time. With a
    token, a scrape without `Authorization: Bearer <token>` gets 401 and nothing else."""
    expected = f"Bearer {token}".encode() if token else None

    async def metrics(request: Request) -> Response:
        if expected is not None:
            given = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(given, expected):
                return Response(
                    status_code=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'}
                )
        OUTBOX_LAG.set(await measure_outbox_lag(services))
        EVENT_SUBSCRIBERS.set(subscriber_count())
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return metrics
