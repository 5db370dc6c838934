"""The request budget counted in each process and shared through Redis
(api/persistence/request_budget.py): exact in one process under parallel requests, shared
between processes, per minute of the wall clock, and still counted while Redis is away."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis.exceptions

from api.persistence.redis_store import Keys, create_redis
from api.persistence.request_budget import FLUSH_SECONDS, RequestBudgetCounter, request_budget
from api.services.container import Services
from tests.api.conftest import Environment, Server, start_server, stop_server
from tests.support.redis_server import PrivateRedis

BUDGET = 5
# Anonymous, so answered null: executed and counted every time.
COUNTED = "{ me { userId } }"


# The budget is per minute of the clock: each test starts clear of a new minute.
pytestmark = pytest.mark.usefixtures("clear_of_a_new_minute")


def budget_server(environment: Environment, log: Path) -> Server:
    return start_server(
        environment.variables(TRUSTED_PROXIES="127.0.0.1", REQUEST_BUDGET_PER_MINUTE=str(BUDGET)),
        log,
    )


@pytest.fixture(scope="module")
def two_servers(
    environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server]]:
    """Two API processes on one Redis; each test is a client address of its own."""
    logs = tmp_path_factory.mktemp("budget")
    first = budget_server(environment, logs / "first.log")
    second = budget_server(environment, logs / "second.log")
    yield first, second
    stop_server(first)
    stop_server(second)


async def statuses(server: Server, client: str, count: int) -> list[int]:
    """`count` requests of `client`, all sent at once."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        answers = await asyncio.gather(
            *(
                http.post("/graphql", json={"query": COUNTED}, headers={"X-Forwarded-For": client})
                for _ in range(count)
            )
        )
    return [answer.status_code for answer in answers]


async def shared_count(services: Services, client: str) -> int:
    total = 0
    async for key in services.redis.scan_iter(match=services.keys.rate("budget", f"{client}:*")):
        total += int(await services.redis.get(key) or 0)
    return total


async def until_shared(services: Services, client: str, count: int) -> None:
    deadline = time.monotonic() + 5
    while await shared_count(services, client) < count:
        assert time.monotonic() < deadline, await shared_count(services, client)
        await asyncio.sleep(FLUSH_SECONDS)


async def test_of_thirty_parallel_requests_of_one_client_exactly_the_budget_is_answered(
    two_servers: tuple[Server, Server], services: Services
) -> None:
    first, _ = two_servers
    answered = await statuses(first, "10.9.0.1", 30)
    assert sorted(answered) == [200] * BUDGET + [429] * (30 - BUDGET)
    # Every request, the refused ones too, reaches the shared count.
    await until_shared(services, "10.9.0.1", 30)


async def test_once_redis_has_answered_parallel_requests_are_counted_exactly_in_the_process(
    two_servers: tuple[Server, Server], services: Services
) -> None:
    first, _ = two_servers
    # The first request of the minute waits for Redis; the next are counted in the process.
    assert await statuses(first, "10.9.0.7", 1) == [200]
    answered = await statuses(first, "10.9.0.7", 29)
    assert sorted(answered) == [200] * (BUDGET - 1) + [429] * (30 - BUDGET)
    await until_shared(services, "10.9.0.7", 30)


async def test_a_second_process_refuses_a_client_that_spent_its_budget_on_the_first(
    two_servers: tuple[Server, Server], services: Services
) -> None:
    first, second = two_servers
    assert await statuses(first, "10.9.0.2", BUDGET) == [200] * BUDGET
    await until_shared(services, "10.9.0.2", BUDGET)
    assert await statuses(second, "10.9.0.2", 1) == [429]
    # Another client is not affected on either.
    assert await statuses(second, "10.9.0.3", 1) == [200]


async def test_parallel_requests_on_two_processes_pass_at_most_the_budget_in_each_then_none(
    two_servers: tuple[Server, Server], services: Services
) -> None:
    first, second = two_servers
    on_first, on_second = await asyncio.gather(
        statuses(first, "10.9.0.4", 20), statuses(second, "10.9.0.4", 20)
    )
    answered = on_first.count(200) + on_second.count(200)
    # Each process counts its own requests exactly; what it learns from the other comes with
    # its next flush, so together they let through at least the budget, at most one per process.
    assert on_first.count(200) <= BUDGET
    assert on_second.count(200) <= BUDGET
    assert BUDGET <= answered <= 2 * BUDGET
    await until_shared(services, "10.9.0.4", 40)
    assert await statuses(first, "10.9.0.4", 1) == [429]
    assert await statuses(second, "10.9.0.4", 1) == [429]


async def test_the_budget_is_per_minute_of_the_wall_clock_and_retry_after_counts_to_its_end(
    services: Services,
) -> None:
    now = [120.5]
    counter = RequestBudgetCounter(
        services.redis, services.keys, request_budget(2), wall_clock=lambda: now[0]
    )
    first = await counter.hit("10.9.0.5")
    assert (first.count, first.retry_after) == (1, 60)
    now[0] = 179.2
    assert (await counter.hit("10.9.0.5")).count == 2
    late = await counter.hit("10.9.0.5")
    assert late.exceeded(counter.limit)
    assert late.retry_after == 1
    now[0] = 180.0
    fresh = await counter.hit("10.9.0.5")
    assert (fresh.count, fresh.retry_after) == (1, 60)
    await counter.close()


async def test_a_minute_that_ended_is_still_sent_then_forgotten(services: Services) -> None:
    now = [60.0]
    counter = RequestBudgetCounter(
        services.redis, services.keys, request_budget(10), wall_clock=lambda: now[0]
    )
    for _ in range(3):
        await counter.hit("10.9.0.8")
    now[0] = 121.0
    await counter.flush()
    assert await services.redis.get(services.keys.rate("budget", "10.9.0.8:1")) == "3"
    assert counter.tracked_clients == 0
    await counter.close()


async def test_with_redis_away_a_process_counts_on_its_own_and_shares_again_once_it_is_back(
    private_redis: PrivateRedis,
) -> None:
    client = create_redis(private_redis.url, socket_timeout=1)
    keys = Keys("budget-test:")
    counter = RequestBudgetCounter(client, keys, request_budget(3), wall_clock=lambda: 600.0)
    try:
        private_redis.stop()
        with pytest.raises(redis.exceptions.ConnectionError):
            # The first request of the minute waits for Redis; the middleware lets it through.
            await counter.hit("10.9.0.6")
        counts = [await counter.hit("10.9.0.6") for _ in range(3)]
        assert [state.exceeded(counter.limit) for state in counts] == [False, False, True]
        private_redis.start()
        key = keys.rate("budget", "10.9.0.6:10")
        deadline = time.monotonic() + 5
        while int(await client.get(key) or 0) < 4:
            assert time.monotonic() < deadline
            await counter.flush()
            await asyncio.sleep(FLUSH_SECONDS)
    finally:
        await counter.close()
        await client.aclose()
