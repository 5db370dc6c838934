"""The fixed-window counter behind every limit, against the real Redis."""

from __future__ import annotations

import asyncio

from api.persistence.rate_limits import Limit
from api.services.container import Services

LIMIT = Limit("probe", max_events=3, window_seconds=60)


async def test_each_hit_counts_one_and_the_window_starts_with_the_first(
    services: Services,
) -> None:
    states = [await services.rate_limiter.hit(LIMIT, "subject-a") for _ in range(4)]

    assert [state.count for state in states] == [1, 2, 3, 4]
    assert [state.exceeded(LIMIT) for state in states] == [False, False, False, True]
    assert all(1 <= state.retry_after <= 60 for state in states)
    ttl = await services.redis.ttl(services.keys.rate(LIMIT.bucket, "subject-a"))
    assert 0 < ttl <= 60


async def test_subjects_are_counted_apart(services: Services) -> None:
    await services.rate_limiter.hit(LIMIT, "subject-b")

    assert (await services.rate_limiter.hit(LIMIT, "subject-c")).count == 1
    assert (await services.rate_limiter.hit(LIMIT, "subject-b")).count == 2


async def test_a_released_event_is_given_back_and_the_count_never_goes_below_zero(
    services: Services,
) -> None:
    await services.rate_limiter.hit(LIMIT, "subject-d")
    await services.rate_limiter.hit(LIMIT, "subject-d")
    await services.rate_limiter.release(LIMIT, "subject-d")
    key = services.keys.rate(LIMIT.bucket, "subject-d")
    assert await services.redis.get(key) == "1"
    for _ in range(3):
        await services.rate_limiter.release(LIMIT, "subject-d")
    assert await services.redis.get(key) == "0"
    await services.rate_limiter.release(LIMIT, "subject-never-counted")
    assert (
        await services.redis.get(services.keys.rate(LIMIT.bucket, "subject-never-counted")) is None
    )


async def test_a_counter_left_without_expiry_is_given_one_instead_of_counting_forever(
    services: Services,
) -> None:
    key = services.keys.rate(LIMIT.bucket, "subject-d")
    await services.redis.set(key, 7)  # no expiry, as a manual INCR would leave it

    state = await services.rate_limiter.hit(LIMIT, "subject-d")

    assert state.count == 8
    assert 0 < await services.redis.ttl(key) <= 60


async def test_after_its_window_a_counter_starts_again(services: Services) -> None:
    short = Limit("probe-short", max_events=1, window_seconds=1)
    assert (await services.rate_limiter.hit(short, "subject-e")).exceeded(short) is False
    assert (await services.rate_limiter.hit(short, "subject-e")).exceeded(short) is True

    await asyncio.sleep(1.1)

    assert (await services.rate_limiter.hit(short, "subject-e")).count == 1
