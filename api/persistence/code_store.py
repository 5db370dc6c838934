"""E-mailed security codes in Redis (§5.5.1): stored as keyed hashes, bound to the user, the
purpose and the address, with a TTL of exactly 15 minutes and a bounded number of wrong attempts.

The checks run as Lua scripts so that each is one atomic step on the server: the attempt counter
is raised before the comparison (parallel guesses cannot exceed the limit), and consuming a code
succeeds for exactly one caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from api.persistence.redis_store import Keys, Redis

# KEYS[1] the code; ARGV[1] the hash offered, ARGV[2] the attempt limit.
_VERIFY = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing', 0} end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local limit = tonumber(ARGV[2])
if attempts > limit then return {'locked', 0} end
if redis.call('HGET', KEYS[1], 'hash') == ARGV[1] then return {'ok', limit - attempts} end
if attempts == limit then return {'locked', 0} end
return {'wrong', limit - attempts}
"""

# KEYS[1] the code; ARGV[1] the hash that must still be stored there.
_CONSUME = """
if redis.call('HGET', KEYS[1], 'hash') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""


# KEYS[1] the code; ARGV: hash, address, issued_at (ISO), issued_at (epoch seconds), TTL, resend
# wait. Refuses (returning the seconds left) while the code in place is younger than the wait:
# of N parallel requests exactly one issues. The instants are the service clock's, not Redis's.
_ISSUE = """
local previous = tonumber(redis.call('HGET', KEYS[1], 'issued_epoch') or '')
local now = tonumber(ARGV[4])
local wait = tonumber(ARGV[6])
if previous and now - previous < wait then
  return math.ceil(wait - (now - previous))
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'address', ARGV[2], 'attempts', 0,
           'issued_at', ARGV[3], 'issued_epoch', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 0
"""


class Verdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Verification:
    verdict: Verdict
    attempts_left: int


@dataclass(frozen=True, slots=True)
class IssuedCode:
    address: str
    issued_at: datetime
    ttl_seconds: int


class SecurityCodeStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._verify = redis.register_script(_VERIFY)
        self._consume = redis.register_script(_CONSUME)
        self._issue = redis.register_script(_ISSUE)

    async def issue(
        self,
        *,
        operator_id: int,
        purpose: str,
        address: str,
        code_hash: str,
        issued_at: datetime,
        ttl_seconds: int,
        resend_wait_seconds: int,
    ) -> int:
        """Store a new code, replacing any earlier one of the same user and purpose, unless that
        one was issued less than `resend_wait_seconds` ago: then nothing changes and the seconds
        still to wait are returned (0: issued)."""
        key = self.keys.security_code(operator_id, purpose)
        wait = await self._issue(
            keys=[key],
            args=[
                code_hash,
                address,
                issued_at.isoformat(),
                f"{issued_at.timestamp():.3f}",
                ttl_seconds,
                resend_wait_seconds,
            ],
        )
        return int(wait)

    async def current(self, *, operator_id: int, purpose: str) -> IssuedCode | None:
        key = self.keys.security_code(operator_id, purpose)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hmget(key, ["address", "issued_at"])
            pipe.ttl(key)
            (address, issued_at), ttl = await pipe.execute()
        if address is None or issued_at is None:
            return None
        return IssuedCode(
            address=str(address), issued_at=datetime.fromisoformat(issued_at), ttl_seconds=int(ttl)
        )

    async def discard(self, *, operator_id: int, purpose: str) -> None:
        await self.redis.delete(self.keys.security_code(operator_id, purpose))

    async def verify(
        self, *, operator_id: int, purpose: str, code_hash: str, max_attempts: int
    ) -> Verification:
        key = self.keys.security_code(operator_id, purpose)
        verdict, left = await self._verify(keys=[key], args=[code_hash, max_attempts])
        return Verification(verdict=Verdict(str(verdict)), attempts_left=int(left))

    async def consume(self, *, operator_id: int, purpose: str, code_hash: str) -> bool:
        """Use the code up; True for exactly one of several parallel callers."""
        key = self.keys.security_code(operator_id, purpose)
        return bool(await self._consume(keys=[key], args=[code_hash]))
