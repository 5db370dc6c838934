"""Graceful restarts (SHUTDOWN_GRACE_SECONDS): on SIGTERM a process stops accepting connections,
closes its subscriptions with 1012 (service restart), lets requests in flight finish within the
grace, and exits. A subscriber that reconnects to another process and resumes with `after`
misses no event and sees none twice."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportError
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import text
from websockets.exceptions import ConnectionClosed

from api.domain.events import event_cursor
from api.services.container import Services
from tests.api.conftest import Environment, Server, make_operator, start_server, stop_server
from tests.api.test_events import REQUEST, WITHDRAW, partner_key

EVENTS = """subscription($after: String) {
  operatorEvents(after: $after) { id cursor type userId }
}"""
LOGIN = """mutation { login(identification: "0912345675001", userId: "USUARIO01",
  password: "Clave-Segura-2027") { token errors { code } } }"""
SERVICE_RESTART = 1012
# uvicorn re-raises the signal once it has shut down, so the exit status still says SIGTERM.
TERMINATED_BY_SIGTERM = -signal.SIGTERM
GRACE_SECONDS = 5
PROTOCOLS = [
    WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL,  # graphql-transport-ws
    WebsocketsTransport.APOLLO_SUBPROTOCOL,  # graphql-ws
]


def close_code(error: BaseException) -> int | None:
    """The close code the server sent, found in the chain of gql's exception."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionClosed):
            return cause.rcvd.code if cause.rcvd is not None else None
        cause = cause.__cause__ or cause.__context__
    return None


def ws_url(server: Server) -> str:
    return server.url.replace("http://", "ws://") + "/graphql"


def terminate(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)


@pytest.fixture
def two_servers(environment: Environment, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    variables = environment.variables(
        SHUTDOWN_GRACE_SECONDS=str(GRACE_SECONDS), DEREGISTRATION_CHANGES_PER_HOUR="100000"
    )
    first = start_server(variables, tmp_path / "api-a.log")
    try:
        second = start_server(variables, tmp_path / "api-b.log")
    except BaseException:
        stop_server(first)
        raise
    yield first, second
    stop_server(second)
    stop_server(first)


@dataclass
class Follower:
    """A partner's subscriber written as partners write one with gql: it follows the events,
    and when its connection ends it reconnects (to the next process behind the "load
    balancer") and resumes after the last event it received."""

    urls: list[str]
    key: str
    protocol: str
    cursor: str
    received: list[dict[str, Any]] = field(default_factory=list)
    close_codes: list[int | None] = field(default_factory=list)
    connections: list[str] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        attempt = 0
        while not stop.is_set():
            url = self.urls[attempt % len(self.urls)]
            attempt += 1
            transport = WebsocketsTransport(
                url=url,
                init_payload={"authorization": f"Bearer {self.key}"},
                subprotocols=[self.protocol],
            )
            try:
                async with Client(transport=transport) as session:
                    self.connections.append(url)
                    request = GraphQLRequest(EVENTS, variable_values={"after": self.cursor})
                    async for result in session.subscribe(request):
                        event = result["operatorEvents"]
                        self.received.append(event)
                        self.cursor = event["cursor"]
            except (TransportError, OSError) as error:
                self.close_codes.append(close_code(error))
                await asyncio.sleep(0.1)


async def write_burst(clients: list[httpx.AsyncClient], token: str, count: int) -> int:
    """`count` changes, alternately through each process still accepting; returns how many
    answered (each one an event, or a refusal that wrote nothing)."""
    alive = list(clients)
    answered = 0
    for number in range(count):
        query, variables = (
            (REQUEST, {"r": f"Cierre {number}"}) if number % 2 == 0 else (WITHDRAW, {})
        )
        while alive:
            client = alive[number % len(alive)]
            try:
                await client.post(
                    "/graphql",
                    json={"query": query, "variables": variables},
                    headers={"Authorization": f"Bearer {token}"},
                )
                answered += 1
                break
            except httpx.TransportError:
                alive.remove(client)  # that process is going away
        await asyncio.sleep(0.02)
    return answered


async def cursors_after(services: Services, sequence: int) -> list[str]:
    """The cursors of every event committed after `sequence`, in order: what a subscriber
    resuming there must receive."""
    async with services.reading() as session:
        result = await session.exec(  # type: ignore[call-overload]
            text(
                "SELECT sequence FROM outbox_events WHERE sequence > :s ORDER BY sequence"
            ).bindparams(s=sequence)
        )
        return [event_cursor(int(row)) for row in result.scalars()]


async def last_sequence(services: Services) -> int:
    async with services.reading() as session:
        result = await session.exec(  # type: ignore[call-overload]
            text("SELECT coalesce(max(sequence), 0) FROM outbox_events")
        )
        return int(result.scalar_one())


async def wait_for(condition: Any, within: float) -> None:
    for _ in range(int(within / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_subscriber_resumes_on_the_other_process_after_a_restart_missing_and_repeating_nothing(
    services: Services, two_servers: tuple[Server, Server], protocol: str
) -> None:
    leaving, staying = two_servers
    await make_operator(services)
    key = await partner_key(services)
    start = await last_sequence(services)
    follower = Follower(
        urls=[ws_url(leaving), ws_url(staying)],
        key=key,
        protocol=protocol,
        cursor=event_cursor(start),
    )
    stop = asyncio.Event()
    following = asyncio.create_task(follower.run(stop))
    async with (
        httpx.AsyncClient(base_url=leaving.url, timeout=30) as to_leaving,
        httpx.AsyncClient(base_url=staying.url, timeout=30) as to_staying,
    ):
        token = (await to_staying.post("/graphql", json={"query": LOGIN})).json()["data"]["login"][
            "token"
        ]
        burst = asyncio.create_task(write_burst([to_leaving, to_staying], token, count=120))
        # Mid-burst: the follower is receiving from the process that is told to stop.
        await wait_for(lambda: len(follower.received) >= 30, within=30)
        assert follower.connections == [ws_url(leaving)]
        terminate(leaving)
        await burst
    expected = await cursors_after(services, start)
    await wait_for(lambda: len(follower.received) >= len(expected), within=30)
    stop.set()
    following.cancel()
    await asyncio.gather(following, return_exceptions=True)
    exit_code = await asyncio.to_thread(leaving.process.wait, GRACE_SECONDS + 10)

    received = [event["cursor"] for event in follower.received]
    assert len(expected) > 60  # the burst went on well after the restart
    assert len(received) == len(set(received)), "an event was delivered twice"
    assert received == expected, "an event was lost or reordered"
    # The restart was announced as such, and the follower went on on the other process.
    assert follower.close_codes[0] == SERVICE_RESTART, follower.close_codes
    assert ws_url(staying) in follower.connections
    assert exit_code == TERMINATED_BY_SIGTERM
    assert "Traceback" not in leaving.log()
    assert "Traceback" not in staying.log()


async def slow_post(port: int, body: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A POST whose headers and first half of the body are sent; the rest comes later.

    It asks `Expect: 100-continue` and sends the body only once the server answers
    `100 Continue`, which the server does when the application first reads the body: from then
    on the request is in flight, not a connection still waiting in the listen queue or with
    unread bytes, which a SIGTERM arriving first would rightly close."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n".encode()
    )
    await writer.drain()
    interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
    assert interim.startswith(b"HTTP/1.1 100"), interim
    writer.write(body[: len(body) // 2])
    await writer.drain()
    return reader, writer


async def refuses_new_connections(port: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except ConnectionRefusedError:
            return True
        writer.close()
        await asyncio.sleep(0.05)
    return False


@pytest.fixture
def restartable(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    started = start_server(
        environment.variables(SHUTDOWN_GRACE_SECONDS=str(GRACE_SECONDS)), tmp_path / "api.log"
    )
    yield started
    stop_server(started)


async def test_on_sigterm_a_request_in_flight_finishes_new_connections_are_refused_and_subscribers_get_1012(
    services: Services, restartable: Server
) -> None:
    await make_operator(services)
    key = await partner_key(services)
    port = urlsplit(restartable.url).port
    assert port is not None
    closed: list[int | None] = []

    async def subscribe() -> None:
        transport = WebsocketsTransport(
            url=ws_url(restartable), init_payload={"authorization": f"Bearer {key}"}
        )
        try:
            async with Client(transport=transport) as session:
                async for _ in session.subscribe(GraphQLRequest(EVENTS)):
                    pass
        except TransportError as error:
            closed.append(close_code(error))

    subscriber = asyncio.create_task(subscribe())
    await asyncio.sleep(0.5)
    body = json.dumps({"query": LOGIN}).encode()
    reader, writer = await slow_post(port, body)
    sent_at = time.monotonic()
    terminate(restartable)
    assert await refuses_new_connections(port, within=3), "still accepting after SIGTERM"
    await asyncio.wait_for(subscriber, timeout=5)
    assert closed == [SERVICE_RESTART]
    # The rest of the body, well after SIGTERM: the request is still served, and answered.
    writer.write(body[len(body) // 2 :])
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), timeout=GRACE_SECONDS)
    writer.close()
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), answer
    login = json.loads(payload)["data"]["login"]
    assert login["errors"] == []
    assert login["token"]
    exit_code = await asyncio.to_thread(restartable.process.wait, GRACE_SECONDS + 10)
    assert exit_code == TERMINATED_BY_SIGTERM
    assert time.monotonic() - sent_at < GRACE_SECONDS + 5
    assert "Traceback" not in restartable.log()


async def test_a_request_still_unfinished_when_the_grace_ends_does_not_hold_the_process(
    restartable: Server,
) -> None:
    port = urlsplit(restartable.url).port
    assert port is not None
    # A body that never completes (a client gone silent) must not keep the process alive.
    _, writer = await slow_post(port, b'{"query": "{ me { userId } }"}')
    terminated_at = time.monotonic()
    terminate(restartable)
    exit_code = await asyncio.to_thread(restartable.process.wait, GRACE_SECONDS + 10)
    took = time.monotonic() - terminated_at
    writer.close()
    assert exit_code == TERMINATED_BY_SIGTERM
    assert GRACE_SECONDS - 0.5 < took < GRACE_SECONDS + 3, took
