"""`/healthz` and `/readyz`: readiness names the dependency that fails."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.api.conftest import Environment, Server, start_server, stop_server
from tests.support.redis_server import PrivateRedis


async def test_healthz_answers_while_the_process_lives(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_200_when_postgres_and_redis_answer(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"postgres": "ok", "redis": "ok"}


async def test_readyz_reports_a_stopped_redis_within_two_seconds(
    environment: Environment,
    private_redis: PrivateRedis,
    tmp_path: Path,
) -> None:
    server = start_server(environment.variables(REDIS_URL=private_redis.url), tmp_path / "api.log")
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            assert (await client.get("/readyz")).status_code == 200
            private_redis.stop()
            started = time.perf_counter()
            response = await client.get("/readyz")
            elapsed = time.perf_counter() - started
        assert response.status_code == 503
        body = response.json()
        assert body["failing"] == ["redis"]
        assert body["checks"]["postgres"] == "ok"
        assert elapsed < 2.0
    finally:
        stop_server(server)
