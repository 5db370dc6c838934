"""Security headers on every HTTP answer, whoever wrote it (the view, a refusal, a replay), and
`Cache-Control: no-store` on any answer that did not say how it may be cached (an error written
by a library, a 404): nothing private is ever kept by a proxy by default.

The JSON answers load nothing: their policy forbids everything. GraphiQL's page is the only HTML
the service serves; its policy allows what that page loads, all of it from this origin, and the
connections it makes (this origin over HTTP and WebSocket).
`Strict-Transport-Security` only when the service is reached over TLS (`HSTS_MAX_AGE_SECONDS`,
set behind the TLS-terminating proxy): on plain HTTP a browser ignores it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON_POLICY: Final = b"default-src 'none'; frame-ancestors 'none'"
# GraphiQL's page (api/graphiql.py): every script, style and font it loads is served by this
# origin, it runs no inline code, and it talks to this origin only, over HTTP and WebSocket
# ('self' covers ws: and wss: of the same host).
PAGE_POLICY: Final = (
    b"default-src 'self'; "
    b"script-src 'self'; "
    b"style-src 'self'; "
    b"font-src 'self' data:; "
    b"img-src 'self' data:; "
    b"connect-src 'self'; "
    b"base-uri 'none'; "
    b"form-action 'none'; "
    b"frame-ancestors 'none'"
)
ALWAYS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeaders:
    """Pure ASGI middleware: see the module."""

    def __init__(self, app: ASGIApp, *, hsts_max_age_seconds: int = 0) -> None:
        self.app = app
        self.hsts = (
            [(b"strict-transport-security", f"max-age={hsts_max_age_seconds}".encode())]
            if hsts_max_age_seconds
            else []
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": self.secured(message.get("headers", ()))}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def secured(self, headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        """The answer's headers, then ours, in a new list (the given one may be the response's
        own). ASGI's header names are lower case."""
        secured = list(headers)
        html = False
        cached = False
        for name, value in secured:
            if name == b"content-type":
                html = value.startswith(b"text/html")
            elif name == b"cache-control":
                cached = True
        if not cached:
            secured.append((b"cache-control", b"no-store"))
        secured.extend(ALWAYS)
        secured.append((b"content-security-policy", PAGE_POLICY if html else JSON_POLICY))
        secured.extend(self.hsts)
        return secured
