"""Cheap refusals at the HTTP layer, before Strawberry parses anything, and who the client is.

- `BodySizeLimit`: a body over `MAX_REQUEST_BODY_BYTES` gets 413. A declared `Content-Length`
  over the limit is refused without reading a byte; a chunked body (and any HTTP/2 body) is
  counted as it arrives and refused the moment it passes the limit (Strawberry reads the whole
  body before parsing it). A body within its declared length, or an HTTP/1 request without
  one (a GET), goes through untouched: the server already bounds it.
- `RequestBudget`: at most `REQUEST_BUDGET_PER_MINUTE` requests to `/graphql` per client
  address and minute, counted in Redis (shared by every process), whatever the operation: the
  per-family limits (sign-in, codes, availability, deregistration) guard what each costs, this
  guards the service from one client's flood. Over budget: 429 with `Retry-After`, and a GraphQL
  error body with code RATE_LIMITED and the seconds to wait. If Redis does not answer, requests
  go through: a missing counter must not take the service down with it.
- `client_address`: the address rate limits are counted against. `X-Forwarded-For` is believed
  only from a proxy in `TRUSTED_PROXIES`, and then only as far as the chain of trusted proxies
  goes: the right-most address that is not a trusted proxy is the client (everything left of it
  was written by the client itself and may be forged).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from ipaddress import ip_address
from typing import Final

import orjson
import redis.exceptions
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import RequestRefusal, error_message, parse_locale, refusal_message
from api.observability.metrics import HTTP_REQUESTS_REFUSED
from api.persistence.request_budget import RequestBudgetCounter
from api.settings import ProxyNetwork

log = logging.getLogger("api.http")

UNKNOWN_CLIENT: Final = "unknown"


class BodyTooLarge(Exception):
    """The body went over the limit while it was being read."""


def refusal_body(scope: Scope, refusal: RequestRefusal, **params: object) -> bytes:
    """The JSON error of a request refused before the application, in the caller's language."""
    locale = parse_locale(scope_header(scope, b"accept-language"))
    message = refusal_message(refusal, locale, **params)
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": refusal.value}}]})


def scope_header(scope: Scope, name: bytes) -> str | None:
    """The first value of a header, by its lower-case name as ASGI servers give it (Starlette's
    `Headers` would copy the whole list first)."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


HTTP_1: Final = frozenset({"1.0", "1.1"})


def _body_framing(scope: Scope) -> tuple[str | None, bool]:
    """The declared `Content-Length`, and whether the body comes in chunks."""
    declared: str | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            declared = bytes(value).decode("latin-1")
        elif name == b"transfer-encoding":
            chunked = True
    return declared, chunked


class BodyTimedOut(Exception):
    """The client stopped sending its body before it was complete."""


class BodySizeLimit:
    """Pure ASGI middleware: 413 for an HTTP request body over `max_bytes`, 408 for one that
    does not arrive within `timeout_seconds` (a client that declares a body and then sends it a
    byte at a time, or never, holds no handler for longer than that)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout_seconds: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked = _body_framing(scope)
        if declared is not None and declared.isdigit():
            if int(declared) > self.max_bytes:
                await self._refuse(scope, send)
                return
            if declared == "0" and not chunked:
                await self.app(scope, receive, send)
                return
        elif not chunked and scope.get("http_version") in HTTP_1:
            # Neither header: HTTP/1 gives such a request no body (a GET, mostly). HTTP/2 and 3
            # frame bodies without either, so there they are counted.
            await self.app(scope, receive, send)
            return

        received = 0
        response_started = False
        deadline = asyncio.get_running_loop().time() + self.timeout_seconds

        async def counting_receive() -> Message:
            nonlocal received
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTimedOut from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if response_started:  # pragma: no cover - the app answered before reading it all
                return
            await self._refuse(scope, send)
        except BodyTimedOut:
            if response_started:  # pragma: no cover
                return
            HTTP_REQUESTS_REFUSED.labels(reason="body_timeout").inc()
            body = refusal_body(scope, RequestRefusal.REQUEST_TIMEOUT)
            await send_refusal(send, 408, body, [(b"connection", b"close")])

    async def _refuse(self, scope: Scope, send: Send) -> None:
        HTTP_REQUESTS_REFUSED.labels(reason="body_too_large").inc()
        log.info("request body over %d bytes refused", self.max_bytes)
        body = refusal_body(scope, RequestRefusal.PAYLOAD_TOO_LARGE, limit=self.max_bytes)
        await send_refusal(send, 413, body)


# Closing a WebSocket before accepting it answers the handshake with 403; 1008 is "policy".
WEBSOCKET_POLICY_VIOLATION: Final = 1008


class RequestBudget:
    """Pure ASGI middleware: a budget of requests per client address and minute on `routes`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        counter: RequestBudgetCounter,
        routes: Sequence[str],
        trusted_proxies: Sequence[ProxyNetwork],
    ) -> None:
        self.app = app
        self.counter = counter
        self.routes = frozenset(routes)
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] not in ("http", "websocket")
            or scope.get("path") not in self.routes
            # CORS preflights are the browser's, not the client's, and answered by CORS.
            or scope.get("method") == "OPTIONS"
        ):
            await self.app(scope, receive, send)
            return
        client = scope_client_address(scope, self.trusted_proxies)
        try:
            state = await self.counter.hit(client)
        except (redis.exceptions.RedisError, OSError) as error:
            log.warning("request budget not counted: %s", type(error).__name__)
            await self.app(scope, receive, send)
            return
        if not state.exceeded(self.counter.limit):
            await self.app(scope, receive, send)
            return
        HTTP_REQUESTS_REFUSED.labels(reason="over_budget").inc()
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": WEBSOCKET_POLICY_VIOLATION})
            return
        await self._refuse(scope, send, state.retry_after)

    async def _refuse(self, scope: Scope, send: Send, retry_after: int) -> None:
        locale = parse_locale(scope_header(scope, b"accept-language"))
        error = FieldError(None, ErrorCode.RATE_LIMITED, {"retry_after": retry_after})
        body = orjson.dumps(
            {
                "errors": [
                    {
                        "message": error_message(error, locale),
                        "extensions": {
                            "code": ErrorCode.RATE_LIMITED.value,
                            "retryAfterSeconds": retry_after,
                        },
                    }
                ]
            }
        )
        await send_refusal(send, 429, body, [(b"retry-after", str(retry_after).encode())])


async def send_refusal(
    send: Send, status: int, body: bytes, headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    """Answers a request refused before the application: a JSON error body, never cached."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _is_trusted(address: str, trusted: Sequence[ProxyNetwork]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _forwarded_chain(values: Iterable[str]) -> list[str]:
    """Every address of every `X-Forwarded-For` header, in order (left = first hop)."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def client_address(
    *, peer: str | None, forwarded_for: Iterable[str], trusted: Sequence[ProxyNetwork]
) -> str:
    """The client's address: the TCP peer, unless the peer is a trusted proxy; then the right-most
    address of `X-Forwarded-For` that is not a trusted proxy."""
    if peer is None:
        return UNKNOWN_CLIENT
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    chain = _forwarded_chain(forwarded_for)
    for hop in reversed(chain):
        if not _is_trusted(hop, trusted):
            try:
                return ip_address(hop).compressed
            except ValueError:
                # Not an address: the proxy did not write it, so nothing left of it is known.
                return peer
    # Every hop is a trusted proxy: the left-most one is the closest to the client.
    return ip_address(chain[0]).compressed if chain else peer


def scope_client_address(scope: Scope, trusted: Sequence[ProxyNetwork]) -> str:
    client = scope.get("client")
    peer = str(client[0]) if client else None
    if not trusted:
        return peer or UNKNOWN_CLIENT
    return client_address(
        peer=peer,
        forwarded_for=Headers(scope=scope).getlist("x-forwarded-for"),
        trusted=trusted,
    )
