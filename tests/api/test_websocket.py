"""GraphQL over WebSocket: both sub-protocols, the token in `connection_init`."""

from __future__ import annotations

import json
from typing import Any

import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from api.services.container import Services
from tests.api.conftest import Api, Server, make_operator


def ws_url(server: Server) -> str:
    return server.url.replace("http://", "ws://") + "/graphql"


async def receive(ws: ClientConnection, *skip: str) -> dict[str, Any]:
    """The next message that is not a keep-alive."""
    while True:
        message: dict[str, Any] = json.loads(await ws.recv(decode=True))
        if message["type"] not in {"ka", "ping", "pong", *skip}:
            return message


async def test_graphql_transport_ws_runs_me_with_the_token_of_connection_init(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    async with websockets.connect(ws_url(server), subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ me { userId } }"}})
        )
        message = await receive(ws)
        assert message == {
            "id": "1",
            "type": "next",
            "payload": {"data": {"me": {"userId": "USUARIO01"}}},
        }
        assert (await receive(ws))["type"] == "complete"


async def test_graphql_ws_accepts_the_token_of_connection_init(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    async with websockets.connect(ws_url(server), subprotocols=["graphql-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert (await receive(ws))["type"] == "connection_ack"


async def test_a_bad_token_in_connection_init_is_refused_with_4403(server: Server) -> None:
    async with websockets.connect(ws_url(server), subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer forged"}})
        )
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await receive(ws)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403


async def test_a_bad_token_in_connection_init_gets_connection_error_over_graphql_ws(
    server: Server,
) -> None:
    """The legacy protocol has no 4403: it answers `connection_error` and closes."""
    async with websockets.connect(ws_url(server), subprotocols=["graphql-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer forged"}})
        )
        message = await receive(ws)
        assert message["type"] == "connection_error"
        assert message["payload"]["code"] == "UNAUTHENTICATED"
        with pytest.raises(websockets.ConnectionClosed):
            await receive(ws)
