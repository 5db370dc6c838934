"""A partner's webhook endpoint in the test process: a real HTTP server on 127.0.0.1 that verifies
every delivery with the `standardwebhooks` library (the spec's reference implementation, not
ours) and records what came, in arrival order."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass(frozen=True)
class Arrival:
    webhook_id: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    error: str | None
    payload: dict[str, Any] | None

    @property
    def data(self) -> dict[str, Any]:
        assert self.payload is not None
        data: dict[str, Any] = self.payload["data"]["operatorEvents"]
        return data


@dataclass
class Receiver:
    port: int
    secret: str | None = None
    # The status answered to a verified delivery; a failed verification gets 401.
    status: int = 204
    # Seconds each answer takes (a slow receiver makes a burst last).
    delay: float = 0.0
    arrivals: list[Arrival] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/ecuapass"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver.record(headers, body)
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Down: connections are refused until `start` again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def record(self, headers: dict[str, str], body: bytes) -> int:
        assert self.secret is not None, "set the secret the registration returned"
        payload: dict[str, Any] | None = None
        error: str | None = None
        try:
            payload = Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError as failure:
            error = str(failure)
        arrival = Arrival(
            webhook_id=headers.get("webhook-id", ""),
            headers=headers,
            body=body,
            verified=error is None,
            error=error,
            payload=payload if payload is not None else _json_or_none(body),
        )
        with self._lock:
            self.arrivals.append(arrival)
        return self.status if error is None else 401

    def verified(self) -> list[Arrival]:
        with self._lock:
            return [a for a in self.arrivals if a.verified]

    def distinct_ids(self) -> set[str]:
        return {a.webhook_id for a in self.verified()}

    async def until(self, count: int, *, within: float = 30) -> list[Arrival]:
        """The verified arrivals once `count` distinct webhook-ids have come."""
        deadline = time.monotonic() + within
        while len(self.distinct_ids()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(self.distinct_ids())} of {count} deliveries within {within} s; "
                    f"{len(self.arrivals)} requests, failures: "
                    f"{[a.error for a in self.arrivals if not a.verified][:3]}"
                )
            await asyncio.sleep(0.05)
        return self.verified()

    async def requests(self, count: int, *, within: float = 30) -> list[Arrival]:
        """Every request received, verified or not, once there are `count`."""
        deadline = time.monotonic() + within
        while len(self.arrivals) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.arrivals)} of {count} requests within {within} s")
            await asyncio.sleep(0.05)
        with self._lock:
            return list(self.arrivals)


def _json_or_none(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
