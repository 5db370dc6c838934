"""The outermost middleware: a request id for each HTTP request and WebSocket connection, the
access log line, the HTTP latency histogram, and the server span when tracing is on.

The request id is the caller's `X-Request-ID` when it is a sane token, else a new one; it is put
in a context variable (every log line written while serving the request carries it, tasks the
request starts inherit it) and returned in the `X-Request-ID` response header (for a WebSocket,
in the handshake answer).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http_guards import scope_client_address, scope_header
from api.observability.logs import (
    REQUEST_ID_HEADER,
    accept_request_id,
    request_id_var,
    request_notes_var,
)
from api.observability.metrics import HTTP_REQUEST_DURATION_BY, WEBSOCKET_CONNECTIONS
from api.observability.tracing import current_tracer
from api.settings import ProxyNetwork

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

access_log = logging.getLogger("api.access")

METHODS: Final = frozenset({"GET", "POST", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
OTHER: Final = "other"
# Probes and scrapes come every few seconds: their lines are DEBUG, not INFO.
QUIET_ROUTES: Final = frozenset({"/healthz", "/readyz", "/metrics"})
REQUEST_ID_KEY: Final = REQUEST_ID_HEADER.lower().encode("latin-1")


class RequestObserver:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer and copy contexts)."""

    def __init__(
        self, app: ASGIApp, *, routes: Sequence[str], trusted_proxies: Sequence[ProxyNetwork]
    ) -> None:
        self.app = app
        self.routes = frozenset(routes)
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _route(self, scope: Scope) -> str:
        path = str(scope.get("path", ""))
        return path if path in self.routes else OTHER

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = accept_request_id(scope_header(scope, REQUEST_ID_KEY))
        id_token = request_id_var.set(request_id)
        id_header = (REQUEST_ID_KEY, request_id.encode("latin-1"))
        notes: dict[str, str] = {}
        notes_token = request_notes_var.set(notes)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                # A new list: the one given may be the response's own. Nothing inside sets
                # the header, so it is added, not replaced.
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        route = self._route(scope)
        method = str(scope.get("method", "")).upper()
        try:
            tracer = current_tracer()
            if tracer is None:
                await self.app(scope, receive, send_with_id)
            else:
                await self._traced(tracer, scope, receive, send_with_id, method, route)
        finally:
            elapsed = time.perf_counter() - started
            HTTP_REQUEST_DURATION_BY(
                method if method in METHODS else OTHER, route, str(status)
            ).observe(elapsed)
            self._log(scope, method=method, status=status, elapsed=elapsed, notes=notes)
            request_notes_var.reset(notes_token)
            request_id_var.reset(id_token)

    async def _traced(
        self,
        tracer: Tracer,
        scope: Scope,
        receive: Receive,
        send: Send,
        method: str,
        route: str,
    ) -> None:
        from opentelemetry.propagate import extract
        from opentelemetry.trace import SpanKind, StatusCode

        answered = {"status": 500}

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered["status"] = int(message["status"])
            await send(message)

        carrier = dict(Headers(scope=scope).items())
        with tracer.start_as_current_span(
            f"{method} {route}",
            context=extract(carrier),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "http.route": route},
        ) as span:
            await self.app(scope, receive, recording_send)
            span.set_attribute("http.response.status_code", answered["status"])
            if answered["status"] >= 500:
                span.set_status(StatusCode.ERROR)

    def _log(
        self, scope: Scope, *, method: str, status: int, elapsed: float, notes: dict[str, str]
    ) -> None:
        path = str(scope.get("path", ""))
        level = logging.DEBUG if path in QUIET_ROUTES else logging.INFO
        if not access_log.isEnabledFor(level):
            return
        duration_ms = round(elapsed * 1000, 2)
        operation = notes.get("graphql")
        # The query string is left out: a GET query carries its variables there.
        access_log.log(
            level,
            "%s %s %d %.1fms%s",
            method,
            path,
            status,
            duration_ms,
            f" {operation} {notes.get('outcome', '')}" if operation else "",
            extra={
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "client": scope_client_address(scope, self.trusted_proxies),
                **notes,
            },
        )

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = accept_request_id(scope_header(scope, REQUEST_ID_KEY))
        id_token = request_id_var.set(request_id)
        started = time.perf_counter()
        accepted = False

        async def send_with_id(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept":
                accepted = True
                headers = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        WEBSOCKET_CONNECTIONS.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            WEBSOCKET_CONNECTIONS.dec()
            access_log.info(
                "WebSocket %s %s after %.1fs",
                scope.get("path", ""),
                "closed" if accepted else "refused",
                time.perf_counter() - started,
                extra={
                    "path": scope.get("path", ""),
                    "websocket": "closed" if accepted else "refused",
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": scope_client_address(scope, self.trusted_proxies),
                },
            )
            request_id_var.reset(id_token)
