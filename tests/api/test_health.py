"""`/healthz` and `/readyz`: readiness names the dependency that fails."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import Environment, Server, free_port, start_server, stop_server
from tests.support.redis_server import start_redis, stop_redis


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


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    process = start_redis(port, tmp_path)
    yield process, port
    stop_redis(process)


async def test_readyz_reports_a_stopped_redis_within_two_seconds(
    environment: Environment,
    private_redis: tuple[subprocess.Popen[bytes], int],
    tmp_path: Path,
) -> None:
    redis_process, port = private_redis
    server = start_server(
        environment.variables(REDIS_URL=f"redis://127.0.0.1:{port}/0"), tmp_path / "api.log"
    )
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            assert (await client.get("/readyz")).status_code == 200
            redis_process.kill()
            redis_process.wait()
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
