"""The body size limit counts a body only when its framing does not bound it already: a declared
`Content-Length` is checked up front, a chunked HTTP/1.1 body and any HTTP/2 body are counted as
they arrive, and an HTTP/1 request with neither header has no body to count."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

import pytest

from api.http_guards import BodySizeLimit

LIMIT = 100
Message = MutableMapping[str, Any]


async def reading_app(scope: Message, receive: Any, send: Any) -> None:
    """Reads the whole body, then answers how many bytes it got."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


async def status_of(
    http_version: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> tuple[int, bytes]:
    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return pending.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "http_version": http_version, "method": "POST", "headers": headers}
    await BodySizeLimit(reading_app, max_bytes=LIMIT)(scope, receive, send)
    return sent[0]["status"], sent[1]["body"]


@pytest.mark.parametrize("http_version", ["1.1", "2"])
async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    http_version: str,
) -> None:
    status, _ = await status_of(http_version, [(b"content-length", b"101")], [])
    assert status == 413


async def test_a_declared_length_within_the_limit_is_served() -> None:
    assert await status_of("1.1", [(b"content-length", b"100")], [b"x" * 100]) == (200, b"100")


async def test_a_chunked_body_is_counted_as_it_arrives() -> None:
    chunked = [(b"transfer-encoding", b"chunked")]
    assert (await status_of("1.1", chunked, [b"x" * 60, b"x" * 41]))[0] == 413
    assert await status_of("1.1", chunked, [b"x" * 60, b"x" * 40]) == (200, b"100")


async def test_an_http2_body_without_framing_headers_is_counted() -> None:
    assert (await status_of("2", [], [b"x" * 60, b"x" * 41]))[0] == 413
    assert await status_of("2", [], [b"x" * 100]) == (200, b"100")


async def test_an_http1_request_without_framing_headers_goes_through() -> None:
    assert await status_of("1.1", [], [b""]) == (200, b"0")


async def test_a_body_that_stops_arriving_is_refused_with_408_within_the_bound() -> None:
    sent: list[Message] = []
    first = True

    async def stalling_receive() -> Message:
        nonlocal first
        if first:
            first = False
            return {"type": "http.request", "body": b"x" * 10, "more_body": True}
        await asyncio.sleep(3600)  # the client never sends the rest
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "headers": [(b"content-length", b"100")],
    }
    limit = BodySizeLimit(reading_app, max_bytes=LIMIT, timeout_seconds=0.2)
    await asyncio.wait_for(limit(scope, stalling_receive, send), timeout=5)
    assert sent[0]["status"] == 408
    assert b"REQUEST_TIMEOUT" in sent[1]["body"]
