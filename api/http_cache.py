"""The process's own copy of public answers, replayed before Strawberry.

A query made only of catalog fields has the same answer for every caller in a language, until
the next deployment (api/resolvers/caching.py). Over GET it is answered `Cache-Control: public,
max-age=3600`, and browsers and CDNs keep it; `PublicAnswerReplay` keeps such answers too, for
GET and for POST, so that the repeats that reach the process (no CDN in front, a CDN's
revalidation, many browsers each asking once, a front end that sends every query by POST) are
answered with the stored bytes instead of going through Strawberry's view and schema again: an
executed request costs a fixed ≈ 0.2–0.8 ms of CPU whatever it asks, a replay about what a bare
endpoint serving stored bytes costs (docs/performance.md).

- **What is kept.** Only answers the application itself found public (`PublicCatalogCaching`
  marks the request's `PublicMark`), with status 200: never a private, failed or mutating one.
  The key is the method, the exact query string (GET) or body (POST) and the caller's language,
  the answer's only `Vary`. A POST is considered only with `Content-Type: application/json` and a
  declared length of at most `REPLAY_MAX_REQUEST_BYTES`; its body is read here and handed on to
  the application unchanged. At most `REPLAY_SIZE` answers of at most `REPLAY_MAX_BYTES` each,
  oldest dropped first; every process keeps its own. A replayed POST keeps its `no-store`.
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
from api.http_guards import declares_json, scope_header
from api.observability.logs import request_notes_var
from api.observability.metrics import PUBLIC_ANSWERS_REPLAYED
from api.resolvers.caching import BoundedCache, PublicMark, public_mark_var

REPLAY_SIZE: Final = 256
# `countries` in one language is 9 kB; form specs are the largest public answers.
REPLAY_MAX_BYTES: Final = 256 * 1024
# A catalog query is a few hundred bytes; anything much larger is not worth keeping as a key.
REPLAY_MAX_REQUEST_BYTES: Final = 4096

ReplayKey = tuple[str, bytes, Locale]
"""The method, the raw query string (GET) or body (POST), and the caller's language."""


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
        method = scope.get("method")
        if scope["type"] != "http" or scope.get("path") != self.path:
            await self.app(scope, receive, send)
            return
        if method == "GET" and scope.get("query_string"):
            request = bytes(scope["query_string"])
        elif method == "POST" and _small_json_body(scope):
            request = await _read_body(receive)
            receive = _replaying(request, receive)
        else:
            await self.app(scope, receive, send)
            return
        key = (method, request, parse_locale(scope_header(scope, b"accept-language")))
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
        mark = PublicMark()

        async def keeping_send(message: Message) -> None:
            nonlocal headers, size
            if message["type"] == "http.response.start":
                if message["status"] == 200 and mark.public is True:
                    raw = message["headers"]
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

        token = public_mark_var.set(mark)
        try:
            await self.app(scope, receive, keeping_send)
        finally:
            public_mark_var.reset(token)


def _small_json_body(scope: Scope) -> bool:
    """A JSON body whose declared length is small enough to key an answer by."""
    if not declares_json(scope_header(scope, b"content-type")):
        return False
    declared = scope_header(scope, b"content-length")
    return declared is not None and declared.isdigit() and int(declared) <= REPLAY_MAX_REQUEST_BYTES


async def _read_body(receive: Receive) -> bytes:
    """The whole body (its declared length bounds it: the server delivers no more)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client left: the application sees an empty body and answers no one
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body already read, then whatever the client sends next (a
    disconnect)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed
