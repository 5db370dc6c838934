"""Faults answered cleanly and recovered from without a restart: PostgreSQL taken away (through a
paused connection) and Redis stopped (a private redis-server)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from api.services.container import Services
from tests.api.conftest import Api, Environment, free_port, make_operator, start_server, stop_server
from tests.support.redis_server import start_redis
from tests.support.tcp_proxy import TcpProxy

LOGIN = """mutation { login(identification: "0912345675001", userId: "USUARIO01", password: "Clave-Segura-2027") {
  token errors { code message } } }"""


async def timed_post(
    client: httpx.AsyncClient, query: str, token: str | None = None
) -> tuple[float, httpx.Response]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    return time.perf_counter() - started, response


async def test_postgres_away_answers_cleanly_and_the_service_recovers_by_itself(
    services: Services, environment: Environment, tmp_path: Path
) -> None:
    await make_operator(services)
    url = urlsplit(environment.database_url.replace("postgresql+asyncpg", "postgresql"))
    proxy = TcpProxy(target_host=url.hostname or "127.0.0.1", target_port=url.port or 5432)
    await proxy.start()
    database_url = environment.database_url.replace(
        f"{url.hostname}:{url.port}", f"127.0.0.1:{proxy.port}"
    )
    if url.port is None:
        database_url = environment.database_url.replace(
            f"@{url.hostname}/", f"@127.0.0.1:{proxy.port}/"
        )
    server = await asyncio.to_thread(
        start_server, environment.variables(DATABASE_URL=database_url), tmp_path / "api.log"
    )
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            token = Api.token_of((await client.post("/graphql", json={"query": LOGIN})).json())
            proxy.pause()
            elapsed, response = await timed_post(client, LOGIN)
            assert response.status_code == 200
            assert response.json()["data"]["login"]["errors"][0]["code"] == "SERVICE_UNAVAILABLE"
            assert elapsed < 5
            elapsed, response = await timed_post(client, "{ me { userId } }", token)
            body = response.json()
            assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert "Traceback" not in response.text
            assert elapsed < 5
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["failing"] == ["postgres"]
            proxy.resume()
            recovered = await client.post("/graphql", json={"query": LOGIN})
            assert recovered.json()["data"]["login"]["errors"] == []
            assert (await client.get("/readyz")).status_code == 200
    finally:
        await asyncio.to_thread(stop_server, server)
        await proxy.close()


async def test_redis_down_answers_cleanly_even_with_a_token_and_the_service_recovers_by_itself(
    services: Services, environment: Environment, tmp_path: Path
) -> None:
    await make_operator(services)
    port = free_port()
    redis_process = start_redis(port, tmp_path)
    server = await asyncio.to_thread(
        start_server,
        # With the request budget on: its counter lives in Redis too, and must not refuse (or
        # hang) the requests that can still be answered.
        environment.variables(
            REDIS_URL=f"redis://127.0.0.1:{port}/0", REQUEST_BUDGET_PER_MINUTE="1000"
        ),
        tmp_path / "api.log",
    )
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            token = Api.token_of((await client.post("/graphql", json={"query": LOGIN})).json())
            redis_process.kill()
            redis_process.wait()
            elapsed, response = await timed_post(client, LOGIN)
            assert response.json()["data"]["login"]["errors"][0]["code"] == "SERVICE_UNAVAILABLE"
            assert elapsed < 5
            # A token that cannot be checked is neither a session nor anonymous: what needs the
            # caller answers SERVICE_UNAVAILABLE (as GraphQL JSON), public fields still answer.
            elapsed, response = await timed_post(client, "{ me { userId } }", token)
            assert response.status_code == 200
            assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert elapsed < 5
            _, response = await timed_post(client, "mutation { logout { errors { code } } }", token)
            assert response.json()["data"]["logout"]["errors"] == [{"code": "SERVICE_UNAVAILABLE"}]
            _, response = await timed_post(
                client, '{ operator(userId: "USUARIO01") { userId } }', token
            )
            assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            _, response = await timed_post(client, '{ cities(provinceCode: "09") { code } }', token)
            assert len(response.json()["data"]["cities"]) == 25
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["failing"] == ["redis"]
            redis_process = start_redis(port, tmp_path)
            recovered = await client.post("/graphql", json={"query": LOGIN})
            assert recovered.json()["data"]["login"]["token"]
            assert (await client.get("/readyz")).status_code == 200
            # Sessions are gone with the unpersisted Redis: the old token is simply unknown now.
            _, response = await timed_post(client, "{ me { userId } }", token)
            assert response.json() == {"data": {"me": None}}
    finally:
        await asyncio.to_thread(stop_server, server)
        redis_process.kill()
        redis_process.wait()
