"""Partner events end to end: the outbox, the relay, Redis Streams and `operatorEvents` over both
WebSocket sub-protocols, across API processes and through a Redis outage."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import websockets
from sqlalchemy import text
from websockets.asyncio.client import ClientConnection

from api.domain.changes import Change, EventType
from api.domain.errors import DomainError, ErrorCode
from api.persistence.operators import SYSTEM, OperatorRepository, record_change
from api.services.container import Services, build_services
from api.services.events import event_stream, relay_once, stream_is_complete
from api.services.partner_keys import create_partner_key
from tests.api.conftest import (
    ROOT,
    Api,
    Environment,
    Server,
    count_rows,
    free_port,
    make_operator,
    start_server,
    stop_server,
)
from tests.support.redis_server import start_redis

EVENTS = """subscription($after: String, $types: [OperatorEventType!]) {
  operatorEvents(after: $after, types: $types) { id cursor type userId actor occurredAt changes { field old new secret } }
}"""
REQUEST = "mutation($r: String!) { requestDeregistration(reason: $r) { errors { code } } }"
WITHDRAW = "mutation { withdrawDeregistration { errors { code } } }"


class Subscriber:
    """A GraphQL WebSocket client speaking either sub-protocol."""

    def __init__(self, ws: ClientConnection, protocol: str) -> None:
        self.ws = ws
        self.protocol = protocol

    @staticmethod
    def open(server: Server, credential: str | None, protocol: str = "graphql-transport-ws") -> Any:
        return open_subscriber(server, credential, protocol)

    async def message(self, within: float = 10) -> dict[str, Any]:
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=within)
            # The GraphQL over WebSocket protocols send JSON text: a browser hands a binary
            # frame over as a Blob, and the standard clients refuse it.
            assert isinstance(raw, str), f"a binary frame: {raw!r}"
            message: dict[str, Any] = json.loads(raw)
            if message["type"] not in {"ka", "ping", "pong"}:
                return message

    async def subscribe(self, variables: dict[str, Any] | None = None, op_id: str = "1") -> None:
        kind = "subscribe" if self.protocol == "graphql-transport-ws" else "start"
        await self.ws.send(
            json.dumps(
                {
                    "id": op_id,
                    "type": kind,
                    "payload": {"query": EVENTS, "variables": variables or {}},
                }
            )
        )
        # Give the server a moment to join the live feed before the test makes changes.
        await asyncio.sleep(0.3)

    async def event(self, within: float = 10) -> dict[str, Any]:
        message = await self.message(within)
        assert message["type"] in {"next", "data"}, message
        assert "errors" not in message["payload"], message
        event: dict[str, Any] = message["payload"]["data"]["operatorEvents"]
        return event

    async def error(self, within: float = 10) -> dict[str, Any]:
        """The error that ends a subscription (Strawberry sends it in the operation's result)."""
        message = await self.message(within)
        errors = (
            message["payload"] if message["type"] == "error" else message["payload"].get("errors")
        )
        assert errors, message
        error: dict[str, Any] = errors[0]
        return error

    async def nothing_within(self, seconds: float) -> None:
        with pytest.raises(TimeoutError):
            await self.message(within=seconds)


@asynccontextmanager
async def open_subscriber(
    server: Server, credential: str | None, protocol: str
) -> AsyncIterator[Subscriber]:
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=[protocol]) as ws:  # type: ignore[list-item]
        payload = {"authorization": f"Bearer {credential}"} if credential else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        subscriber = Subscriber(ws, protocol)
        ack = await subscriber.message()
        assert ack["type"] == "connection_ack", ack
        yield subscriber


async def partner_key(services: Services, scopes: str = "events:read,events:read:pii") -> str:
    issued = await create_partner_key(
        services, name="Banco del Pacífico", scopes=scopes, created_by=None
    )
    return issued.key


@pytest.fixture
def second_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(environment.variables(), tmp_path / "api-b.log")
    yield server
    stop_server(server)


async def test_a_user_follows_its_own_changes_live(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    async with Subscriber.open(server, token) as subscriber:
        await subscriber.subscribe()
        await api.data(REQUEST, {"r": "Cierre de la empresa"}, token=token)
        event = await subscriber.event()
    assert event["type"] == "DEREGISTRATION_REQUESTED"
    assert event["userId"] == "USUARIO01"
    assert event["actor"] == "USER:USUARIO01"
    assert event["changes"] == [
        {
            "field": "deregistrationReason",
            "old": None,
            "new": "Cierre de la empresa",
            "secret": False,
        }
    ]


async def test_a_change_through_process_a_reaches_a_subscriber_on_process_b(
    api: Api, services: Services, second_server: Server
) -> None:
    await make_operator(services)
    key = await partner_key(services)
    token = await api.login("0912345675001", "USUARIO01")  # process A: the session server
    async with Subscriber.open(second_server, key) as subscriber:
        await subscriber.subscribe({"types": ["DEREGISTRATION_REQUESTED"]})
        await api.data(REQUEST, {"r": "Cierre"}, token=token)
        event = await subscriber.event()
    assert event["type"] == "DEREGISTRATION_REQUESTED"


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_resuming_with_a_cursor_replays_what_was_missed_in_order_then_goes_live(
    api: Api, services: Services, server: Server, protocol: str
) -> None:
    await make_operator(services)
    key = await partner_key(services)
    token = await api.login("0912345675001", "USUARIO01")
    async with Subscriber.open(server, key, protocol) as subscriber:
        await subscriber.subscribe()
        await api.data(REQUEST, {"r": "Primera"}, token=token)
        first = await subscriber.event()
    # Disconnected: two changes happen meanwhile.
    await api.data(WITHDRAW, token=token)
    await api.data(REQUEST, {"r": "Segunda"}, token=token)
    async with Subscriber.open(server, key, protocol) as subscriber:
        await subscriber.subscribe({"after": first["cursor"]})
        missed = [await subscriber.event(), await subscriber.event()]
        assert [e["type"] for e in missed] == ["DEREGISTRATION_DECIDED", "DEREGISTRATION_REQUESTED"]
        assert missed[1]["changes"][0]["new"] == "Segunda"
        await api.data(WITHDRAW, token=token)
        live = await subscriber.event()
        assert live["type"] == "DEREGISTRATION_DECIDED"
        ids = [first["id"], *(e["id"] for e in missed), live["id"]]
        assert len(set(ids)) == 4
        await subscriber.nothing_within(0.5)


async def test_a_replay_older_than_the_stream_comes_from_the_outbox_table(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services)  # event 1: OPERATOR_REGISTERED, long before anyone listened
    key = await partner_key(services)
    from api.domain.events import event_cursor

    async with Subscriber.open(server, key) as subscriber:
        await subscriber.subscribe({"after": event_cursor(0)})
        event = await subscriber.event()
    assert event["type"] == "OPERATOR_REGISTERED"


async def test_a_user_sees_only_its_own_events(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services)
    await make_operator(
        services, user_id="OTRO02", identification="1704567898", email="o@correo.example"
    )
    mine = await api.login("0912345675001", "USUARIO01")
    other = await api.login("1704567898", "OTRO02")
    async with Subscriber.open(server, mine) as subscriber:
        await subscriber.subscribe()
        await api.data(REQUEST, {"r": "Ajena"}, token=other)
        await api.data(REQUEST, {"r": "Propia"}, token=mine)
        event = await subscriber.event()
        assert event["userId"] == "USUARIO01"
        await subscriber.nothing_within(0.5)


async def test_a_bad_partner_key_is_refused_at_connection_init(server: Server) -> None:
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": "Bearer pk_forged"}}
            )
        )
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_subscribing_without_credentials_is_refused(server: Server) -> None:
    async with Subscriber.open(server, None) as subscriber:
        await subscriber.subscribe()
        error = await subscriber.error()
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_revoked_key_closes_its_open_subscription_within_seconds(
    services: Services, server: Server, environment: Environment
) -> None:
    issued = await create_partner_key(
        services, name="Puerto de Guayaquil", scopes="events:read", created_by=None
    )
    async with Subscriber.open(server, issued.key) as subscriber:
        await subscriber.subscribe()
        started = time.monotonic()
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "api", "revoke-partner-key", str(issued.row.id)],
            cwd=ROOT,
            env={**os.environ, **environment.variables()},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        error = await subscriber.error(within=10)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert time.monotonic() - started < 8


async def test_a_rolled_back_change_leaves_no_event(services: Services) -> None:
    operator = await make_operator(services)
    before = await count_rows(services, "outbox_events")

    async def change_that_fails_after_writing_its_event() -> None:
        async with services.transaction() as session:
            row = await OperatorRepository(session).by_id(operator.id or 0)
            assert row is not None
            await record_change(
                session,
                operator=row,
                actor=SYSTEM,
                operation="TEST",
                event_type=EventType.OPERATOR_UPDATED,
                changes=[Change("address", "a", "b")],
                at=services.clock.now(),
            )
            raise RuntimeError("the change fails after its event was written")

    with pytest.raises(RuntimeError):
        await change_that_fails_after_writing_its_event()
    assert await count_rows(services, "outbox_events") == before


def test_create_partner_key_prints_the_key_alone_on_its_last_line(environment: Environment) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "api",
            "create-partner-key",
            "--name",
            "Banco",
            "--scopes",
            "events:read",
        ],
        cwd=ROOT,
        env={**os.environ, **environment.variables()},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("pk_")
    assert len(key) > 40
    listing = subprocess.run(
        [sys.executable, "-m", "api", "list-partner-keys"],
        cwd=ROOT,
        env={**os.environ, **environment.variables()},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Banco" in listing.stdout
    assert key not in listing.stdout


async def test_partner_keys_are_stored_only_as_hashes(services: Services) -> None:
    issued = await create_partner_key(services, name="Banco", scopes="events:read", created_by=None)
    async with services.reading() as session:
        stored = (await session.exec(text("SELECT key_hash, key_prefix FROM partner_keys"))).one()  # type: ignore[call-overload]
    assert issued.key not in stored


async def test_redis_stopped_and_restarted_during_changes_loses_nothing(
    services: Services, environment: Environment, tmp_path: Path
) -> None:
    port = free_port()
    redis_process = start_redis(port, tmp_path)
    server = start_server(
        environment.variables(REDIS_URL=f"redis://127.0.0.1:{port}/0"), tmp_path / "api.log"
    )
    key = await partner_key(services)
    try:
        async with Subscriber.open(server, key) as subscriber:
            await subscriber.subscribe({"types": ["OPERATOR_REGISTERED"]})
            await make_operator(
                services, user_id="ANTES01", identification="0912345675001", email="a@c.example"
            )
            before = await subscriber.event()
            assert before["userId"] == "ANTES01"
            redis_process.kill()
            redis_process.wait()
            # The subscriber is told the stream is gone, with the cursor to resume from.
            error = await subscriber.error(within=15)
            assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert error["extensions"]["cursor"] == before["cursor"]
        # Changes keep committing while Redis is down: their events wait in the outbox.
        await make_operator(
            services, user_id="DURANTE01", identification="1704567898", email="b@c.example"
        )
        await make_operator(
            services, user_id="DURANTE02", identification="1305554444", email="c@c.example"
        )
        redis_process = start_redis(port, tmp_path)
        async with Subscriber.open(server, key) as subscriber:
            await subscriber.subscribe(
                {"after": before["cursor"], "types": ["OPERATOR_REGISTERED"]}
            )
            missed = [await subscriber.event(within=15), await subscriber.event(within=15)]
            assert [e["userId"] for e in missed] == ["DURANTE01", "DURANTE02"]
            # And live delivery resumed by itself once Redis came back.
            await make_operator(
                services, user_id="DESPUES01", identification="0109876540", email="d@c.example"
            )
            after = await subscriber.event(within=15)
            assert after["userId"] == "DESPUES01"
    finally:
        stop_server(server)
        redis_process.kill()
        redis_process.wait()


async def test_a_partner_key_without_the_personal_data_scope_sees_which_fields_changed_not_their_values(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services)
    plain, personal = (
        await partner_key(services, "events:read"),
        await partner_key(services, "events:read,events:read:pii"),
    )
    token = await api.login("0912345675001", "USUARIO01")
    async with (
        Subscriber.open(server, plain) as without_values,
        Subscriber.open(server, personal) as with_values,
    ):
        await without_values.subscribe()
        await with_values.subscribe()
        await api.data(REQUEST, {"r": "Cierre de la empresa"}, token=token)
        bare, full = await without_values.event(), await with_values.event()
    assert bare["userId"] == full["userId"] == "USUARIO01"
    assert bare["type"] == full["type"] == "DEREGISTRATION_REQUESTED"
    assert [c["field"] for c in bare["changes"]] == [c["field"] for c in full["changes"]]
    assert all(c["old"] is None and c["new"] is None for c in bare["changes"])
    assert full["changes"][0]["new"] == "Cierre de la empresa"


async def test_a_key_holding_a_scope_this_version_does_not_know_still_works_for_the_rest(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services)
    key = await partner_key(services, "events:read")
    async with services.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            text("UPDATE partner_keys SET scopes = scopes || ',webhooks:manage'")
        )
    token = await api.login("0912345675001", "USUARIO01")
    answer = await api.post("{ countries { code } }", token=key)
    assert "errors" not in answer
    async with Subscriber.open(server, key) as subscriber:
        await subscriber.subscribe()
        await api.data(REQUEST, {"r": "Cierre"}, token=token)
        event = await subscriber.event()
    assert event["type"] == "DEREGISTRATION_REQUESTED"


async def test_a_scope_this_version_does_not_know_is_refused_when_the_key_is_created(
    services: Services,
) -> None:
    with pytest.raises(DomainError) as refused:
        await create_partner_key(
            services, name="Banco", scopes="events:read,events:write", created_by=None
        )
    assert refused.value.errors[0].code is ErrorCode.INVALID_CHOICE


@pytest.fixture
def capped_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(
        environment.variables(MAX_SUBSCRIPTIONS_PER_CALLER="3"), tmp_path / "api-capped.log"
    )
    yield server
    stop_server(server)


async def test_one_caller_holds_no_more_subscriptions_than_the_cap_and_others_are_unaffected(
    services: Services, capped_server: Server
) -> None:
    key, other = await partner_key(services), await partner_key(services)
    async with Subscriber.open(capped_server, key) as subscriber:
        for n in range(1, 6):
            await subscriber.subscribe(op_id=str(n))
        refusals: list[dict[str, Any]] = []
        while len(refusals) < 2:
            message = await subscriber.message()
            if message["type"] != "complete":
                refusals.append(message)
        assert [m["id"] for m in refusals] == ["4", "5"]
        for message in refusals:
            errors = (
                message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            )
            assert errors[0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        # Another key is not held back by the first one's subscriptions.
        async with Subscriber.open(capped_server, other) as second:
            await second.subscribe()
            await second.nothing_within(0.5)


async def relay_until_complete(services: Services) -> int:
    """Relay batches until the stream is complete; returns how many events were published.

    The relay lock is the database's, shared with the tests' API server, whose own relay may
    hold it at the moment of a batch: that batch publishes nothing and the next one catches up."""
    stream = event_stream(services)
    published = 0
    async with asyncio.timeout(10):
        while not await stream_is_complete(services, stream):
            published += await relay_once(services)
            await asyncio.sleep(0.01)
    return published


async def test_the_relays_idle_check_says_complete_only_when_the_stream_holds_every_committed_event(
    services: Services, environment: Environment
) -> None:
    # A stream of its own (the tests' API server relays the same outbox into the shared one).
    relaying = build_services(environment.settings(redis_key_prefix=f"{uuid.uuid4().hex}:"))
    try:
        stream = event_stream(relaying)
        assert await stream_is_complete(relaying, stream)  # nothing committed, no stream yet

        await make_operator(services)  # commits OPERATOR_REGISTERED
        assert not await stream_is_complete(relaying, stream)
        assert await relay_until_complete(relaying) == 1
        assert await relay_once(relaying) == 0

        # An emptied Redis: the committed events are not in a stream that no longer exists.
        await relaying.redis.delete(relaying.keys.events())
        assert not await stream_is_complete(relaying, stream)
        assert await relay_until_complete(relaying) == 1
    finally:
        await relaying.redis.delete(relaying.keys.events())
        await relaying.close()
