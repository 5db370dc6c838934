"""The process's own copy of public answers, replayed before Strawberry.

A `GET /graphql` made only of catalog fields is answered `Cache-Control: public, max-age=3600`
(api/resolvers/caching.py): the same bytes for every caller, until the next deployment. Browsers
and CDNs keep such answers; `PublicAnswerReplay` keeps them too, so that the repeats that still
reach the process (no CDN in front, a CDN's revalidation, many browsers each asking once) are
answered with the stored bytes instead of going through Strawberry's view and schema again: an
executed request costs a fixed ≈ 0.8 ms of CPU on a small machine whatever it asks, a replay
about what a bare endpoint serving stored bytes costs (docs/performance.md).

- **What is kept.** Only answers the application itself marked public (status 200, exactly
  `PUBLIC_CACHE_CONTROL`): never a private, failed or mutating one. The key is the exact query
  string and the caller's language, the answer's only `Vary`. At most `REPLAY_SIZE` answers of at
  most `REPLAY_MAX_BYTES` each, oldest dropped first; every process keeps its own.
- **Where.** Inside CORS (each replay gets the CORS headers of its own request) and outside the
  request budget: a replay costs less than counting it in Redis would, and the budget is there to
  protect what is costly. The request observer still gives each replay its request id, access
  log line and HTTP metrics; `ecuapass_public_answers_replayed_total` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.domain.messages import parse_locale
from api.domain.vocabulary import Locale
from api.http_guards import scope_header
from api.observability.logs import request_notes_var
from api.observability.metrics import PUBLIC_ANSWERS_REPLAYED
from api.resolvers.caching import PUBLIC_CACHE_CONTROL, BoundedCache

REPLAY_SIZE: Final = 256
# `countries` in one language is 9 kB; form specs are the largest public answers.
REPLAY_MAX_BYTES: Final = 256 * 1024
_CACHE_CONTROL: Final = b"cache-control"
_PUBLIC: Final = PUBLIC_CACHE_CONTROL.encode("latin-1")

ReplayKey = tuple[bytes, Locale]
"""The raw query string of the GET and the caller's language."""


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    # The operation and outcome the access log line names (api/observability/graphql.py).
    notes: tuple[tuple[str, str], ...]


class PublicAnswerReplay:
    """Pure ASGI middleware: replays public answers to `GET path`, keeps new ones."""

    def __init__(self, app: ASGIApp, *, path: str, maxsize: int = REPLAY_SIZE) -> None:
        self.app = app
        self.path = path
        self.answers = BoundedCache[ReplayKey, StoredAnswer](maxsize)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "GET"
            or scope.get("path") != self.path
            or not scope.get("query_string")
        ):
            await self.app(scope, receive, send)
            return
        key = (
            bytes(scope["query_string"]),
            parse_locale(scope_header(scope, b"accept-language")),
        )
        stored = self.answers.get(key)
        if stored is None:
            await self._answer_and_keep(scope, receive, send, key)
            return
        PUBLIC_ANSWERS_REPLAYED.inc()
        notes = request_notes_var.get()
        if notes is not None:
            notes.update(stored.notes)
        # A fresh list: the middleware outside add their headers to the one they are given.
        await send({"type": "http.response.start", "status": 200, "headers": list(stored.headers)})
        await send({"type": "http.response.body", "body": stored.body})

    async def _answer_and_keep(
        self, scope: Scope, receive: Receive, send: Send, key: ReplayKey
    ) -> None:
        headers: tuple[tuple[bytes, bytes], ...] | None = None
        chunks: list[bytes] = []
        size = 0

        async def keeping_send(message: Message) -> None:
            nonlocal headers, size
            if message["type"] == "http.response.start":
                raw = message["headers"]
                if message["status"] == 200 and (_CACHE_CONTROL, _PUBLIC) in raw:
                    headers = tuple((bytes(name), bytes(value)) for name, value in raw)
            elif message["type"] == "http.response.body" and headers is not None:
                chunk = bytes(message.get("body", b""))
                size += len(chunk)
                chunks.append(chunk)
                if size > REPLAY_MAX_BYTES:
                    headers = None
                    chunks.clear()
                elif not message.get("more_body", False):
                    notes = request_notes_var.get() or {}
                    self.answers.remember(
                        key,
                        StoredAnswer(
                            headers=headers,
                            body=b"".join(chunks),
                            notes=tuple(
                                (name, notes[name])
                                for name in ("graphql", "outcome")
                                if name in notes
                            ),
                        ),
                    )
            await send(message)

        await self.app(scope, receive, keeping_send)
