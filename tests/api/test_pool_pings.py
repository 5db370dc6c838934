"""The pool pings a connection only after it rested (api/persistence/db.py): one that the server
ended meanwhile is replaced before a request uses it, one used a moment ago goes out without a
round trip, and a server that drops the connections in use costs at most the requests that were
using them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text

import api.persistence.db
from api.persistence.db import COMMAND_TIMEOUT_SECONDS, DatabaseUnavailable, create_engine
from api.services.container import Services, build_services
from tests.api.conftest import ADMIN_DSN, Environment, make_operator, start_server, stop_server
from tests.support.tcp_proxy import proxy_for_database

REST = 0.2
LOGIN = """mutation { login(identification: "0912345675001", userId: "USUARIO01", password: "Clave-Segura-2027") {
  token errors { code } } }"""


@pytest.fixture
async def pool(
    environment: Environment, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Services]:
    """Services of their own, resting connections pinged after REST seconds."""
    monkeypatch.setattr(api.persistence.db, "PING_AFTER_REST_SECONDS", REST)
    built = build_services(environment.settings())
    yield built
    await built.close()


async def backend_pid(services: Services) -> int:
    async with services.connected() as connection:
        pid: int = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    return pid


async def terminate(*pids: int) -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        for pid in pids:
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


def count_pings(services: Services, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    dialect = services.engine.dialect
    original = dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(1)
        return original(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


async def test_a_connection_the_server_ended_while_it_rested_is_replaced_before_it_is_used(
    pool: Services,
) -> None:
    ended = await backend_pid(pool)
    await terminate(ended)
    await asyncio.sleep(REST * 2)
    assert await backend_pid(pool) != ended


async def test_a_connection_used_a_moment_ago_goes_out_without_a_ping_one_that_rested_with_one(
    pool: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await backend_pid(pool)
    pings = count_pings(pool, monkeypatch)
    for _ in range(10):
        await backend_pid(pool)
    assert pings == []
    await asyncio.sleep(REST * 2)
    await backend_pid(pool)
    assert pings == [1]


async def test_connections_dropped_in_use_cost_a_coded_answer_at_most_and_the_next_succeeds(
    services: Services, environment: Environment, tmp_path: Path
) -> None:
    await make_operator(services)
    server = await asyncio.to_thread(start_server, environment.variables(), tmp_path / "api.log")
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            login = (await client.post("/graphql", json={"query": LOGIN})).json()
            headers = {"Authorization": f"Bearer {login['data']['login']['token']}"}
            me = {"query": "{ me { userId } }"}
            assert (await client.post("/graphql", json=me, headers=headers)).status_code == 200
            admin = await asyncpg.connect(ADMIN_DSN)
            try:
                # Every connection of the server's pool, a moment after its last use.
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    environment.database_url.rsplit("/", 1)[1],
                )
            finally:
                await admin.close()
            # The test process's own pool lost its connections too: it starts anew.
            await services.engine.dispose()
            first = await client.post("/graphql", json=me, headers=headers)
            assert first.status_code == 200, first.text
            body = first.json()
            if "errors" in body:
                assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            again = await client.post("/graphql", json=me, headers=headers)
            assert again.json() == {"data": {"me": {"userId": "USUARIO01"}}}
    finally:
        await asyncio.to_thread(stop_server, server)


async def test_a_ping_that_gets_no_answer_costs_one_wait_and_tries_no_new_connection(
    environment: Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api.persistence.db, "PING_AFTER_REST_SECONDS", REST)
    proxy, database_url = await proxy_for_database(environment.database_url)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        await asyncio.sleep(REST * 2)
        proxy.hang()
        started = time.perf_counter()
        with pytest.raises(DatabaseUnavailable):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        # One command timeout; before, the ping's failure replaced the connection: a graceful
        # close of the old one (2 s) and a new one that could not connect either (4 s).
        assert time.perf_counter() - started < COMMAND_TIMEOUT_SECONDS + 1
        proxy.resume()
        async with engine.connect() as connection:  # at once: the abandoned one was replaced
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()
        await proxy.close()
