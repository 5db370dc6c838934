"""Fixed-window counters in Redis, shared by every API process."""

from __future__ import annotations

from dataclasses import dataclass

from api.persistence.redis_store import Keys, Redis


@dataclass(frozen=True, slots=True)
class Limit:
    bucket: str
    max_events: int
    window_seconds: int


@dataclass(frozen=True, slots=True)
class LimitState:
    count: int
    retry_after: int

    def exceeded(self, limit: Limit) -> bool:
        return self.count > limit.max_events


class RateLimiter:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    async def hit(self, limit: Limit, subject: str) -> LimitState:
        """Count one event and report the window's count (atomic: SET NX + INCR in MULTI)."""
        key = self.keys.rate(limit.bucket, subject)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=limit.window_seconds, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
            _, count, ttl = await pipe.execute()
        return LimitState(count=int(count), retry_after=max(int(ttl), 1))

    async def peek(self, limit: Limit, subject: str) -> LimitState:
        key = self.keys.rate(limit.bucket, subject)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(key)
            pipe.ttl(key)
            count, ttl = await pipe.execute()
        return LimitState(count=int(count or 0), retry_after=max(int(ttl), 1))

    async def reset(self, limit: Limit, subject: str) -> None:
        await self.redis.delete(self.keys.rate(limit.bucket, subject))
