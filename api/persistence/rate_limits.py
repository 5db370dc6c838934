"""Fixed-window counters in Redis, shared by every API process."""

from __future__ import annotations

from dataclasses import dataclass

from api.persistence.redis_store import Keys, Redis

# One command instead of MULTI/SET NX/INCR/TTL/EXEC: the per-family limits (sign-in, codes,
# address checks) run it on their requests, and a single reply costs the client a fraction of a
# transaction's five. Atomic as a script; one key, so it also runs on Redis Cluster. A key left without expiry (it cannot be, but
# a manual INCR could) is given one rather than counting forever.
_HIT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


# Gives back one reserved event (a sign-in that turned out right); never below zero, and a window
# that has ended stays ended.
_RELEASE = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0
"""


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
        self._hit = redis.register_script(_HIT)
        self._release = redis.register_script(_RELEASE)

    async def hit(self, limit: Limit, subject: str) -> LimitState:
        """Count one event and report the window's count; the window starts with its first
        event."""
        key = self.keys.rate(limit.bucket, subject)
        count, ttl = await self._hit(keys=[key], args=[limit.window_seconds])
        return LimitState(count=int(count), retry_after=max(int(ttl), 1))

    async def release(self, limit: Limit, subject: str) -> None:
        """Give back one event counted by `hit` (a reservation that turned out not to count)."""
        await self._release(keys=[self.keys.rate(limit.bucket, subject)])

    async def reset(self, limit: Limit, subject: str) -> None:
        await self.redis.delete(self.keys.rate(limit.bucket, subject))
