"""Redis's connection pool (api/persistence/redis_store.py, `WaitsForAFreeConnection`): a command
that finds every connection in use waits for one to come back instead of failing, up to the
pool's wait, and then fails as a connection error, which the API answers SERVICE_UNAVAILABLE;
the pool never opens more than its size. Against the real Redis."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis.asyncio as aioredis
import redis.exceptions

from api.persistence.redis_store import WaitsForAFreeConnection, create_redis
from tests.api.conftest import Environment

HELD = 0.1  # seconds each command holds its connection (a BLPOP on a key nobody fills)


async def held(client: aioredis.Redis, key: str, seconds: float = HELD) -> object:
    return await client.blpop([key], timeout=seconds)


async def ping(client: aioredis.Redis) -> bool:
    return bool(await client.ping())


async def test_commands_beyond_the_pool_wait_for_a_connection_and_every_one_answers(
    environment: Environment,
) -> None:
    assert isinstance(create_redis(environment.redis_url).connection_pool, WaitsForAFreeConnection)
    # Named, so that Redis's own list of clients shows how many connections the pool opened.
    name = f"{environment.redis_prefix.replace(':', '-')}pool-test"
    client = aioredis.Redis(
        connection_pool=WaitsForAFreeConnection.from_url(
            environment.redis_url, max_connections=2, timeout=5, client_name=name
        )
    )
    key = f"{environment.redis_prefix}never-filled"
    try:
        started = time.perf_counter()
        answers = await asyncio.gather(*(client.blpop([key], timeout=HELD) for _ in range(10)))
        elapsed = time.perf_counter() - started
        assert answers == [None] * 10
        # Two connections, ten commands of HELD seconds each: they took their turns.
        assert elapsed >= 5 * HELD
        assert await asyncio.gather(*(client.ping() for _ in range(50))) == [True] * 50
        listed = await client.client_list()
        assert sum(1 for entry in listed if entry.get("name") == name) == 2
    finally:
        await client.aclose()


async def test_a_command_that_finds_no_connection_free_within_the_wait_is_a_connection_error(
    environment: Environment,
) -> None:
    client = create_redis(environment.redis_url, pool_size=1, pool_wait=0.2)
    key = f"{environment.redis_prefix}never-filled"
    try:
        holding = asyncio.create_task(held(client, key, 1))
        await asyncio.sleep(0.05)
        with pytest.raises(redis.exceptions.ConnectionError, match="No connection available"):
            await client.ping()
        assert await holding is None
        assert await client.ping()  # the connection came back, and serves
    finally:
        await client.aclose()


async def test_a_connection_given_back_goes_to_a_command_that_waits(
    environment: Environment,
) -> None:
    """Three commands at once on one connection, each waiting its turn, none lost while waiting
    even when a new command arrives as one is given back."""
    client = create_redis(environment.redis_url, pool_size=1, pool_wait=5)
    key = f"{environment.redis_prefix}never-filled"
    try:
        first = [asyncio.create_task(held(client, key)) for _ in range(3)]
        await asyncio.sleep(HELD / 2)
        late = [asyncio.create_task(ping(client)) for _ in range(3)]
        assert await asyncio.gather(*first) == [None] * 3
        assert await asyncio.gather(*late) == [True] * 3
    finally:
        await client.aclose()
