"""E-mailed security codes in Redis (§5.5.1): stored as keyed hashes, bound to the user, the
purpose and the address, valid exactly 15 minutes, with a bounded number of wrong attempts.

Validity and the resend wait are decided from the instants stored with the code, read with the
service clock (api/clock.py), never from Redis's own time: with CLOCK_FIXED (rehearsals) a code
expires by the rehearsal's clock. The key's TTL only cleans up, a while after the code expired.

The checks run as Lua scripts so that each is one atomic step on the server: the attempt counter
is raised before the comparison (parallel guesses cannot exceed the limit), and consuming a code
succeeds for exactly one caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from api.persistence.redis_store import Keys, Redis

# How long Redis keeps a code after it expired by Redis's own time: only tidying. CLOCK_FIXED
# stops the service clock while Redis's time goes on, so a shorter TTL would drop a code the
# rehearsal still counts valid; a day covers a rehearsal, as for e-mail reservations
# (api/persistence/reservations.py). A stale code is inert: it is not read as valid.
CLEANUP_AFTER_EXPIRY_SECONDS: Final = 24 * 3600

# KEYS[1] the code; ARGV[1] the hash offered, ARGV[2] the attempt limit, ARGV[3] now. A code
# that locks is marked so: it is dead, and a new one may be issued at once (`_ISSUE`).
_VERIFY = """
local expires = tonumber(redis.call('HGET', KEYS[1], 'expires_epoch') or '')
if not expires or tonumber(ARGV[3]) >= expires then return {'missing', 0} end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local limit = tonumber(ARGV[2])
if attempts > limit then return {'locked', 0} end
if redis.call('HGET', KEYS[1], 'hash') == ARGV[1] then return {'ok', limit - attempts} end
if attempts == limit then
  redis.call('HSET', KEYS[1], 'locked', 1)
  return {'locked', 0}
end
return {'wrong', limit - attempts}
"""

# KEYS[1] the code; ARGV[1] the hash that must still be stored there, ARGV[2] now.
_CONSUME = """
local expires = tonumber(redis.call('HGET', KEYS[1], 'expires_epoch') or '')
if not expires or tonumber(ARGV[2]) >= expires then return 0 end
if redis.call('HGET', KEYS[1], 'hash') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""


# KEYS[1] the code; ARGV: hash, address, issued_at (ISO), issued_at (epoch seconds), expires_at
# (epoch seconds), cleanup TTL, resend wait. Refuses (returning the seconds left) while the code
# in place is younger than the wait, unless it locked (the user was told to ask for a new one):
# of N parallel requests exactly one issues. The instants are the service clock's, not Redis's.
# A code in place issued "after" this request's instant is as young as it gets: parallel
# requests read the clock before their turn here, so a later one may find a code stamped after
# its own instant. Only a clock far behind the code (a rehearsal's, set back by more than the
# wait) is not held by it.
_ISSUE = """
local previous = tonumber(redis.call('HGET', KEYS[1], 'issued_epoch') or '')
local locked = redis.call('HGET', KEYS[1], 'locked')
local now = tonumber(ARGV[4])
local wait = tonumber(ARGV[7])
if previous and not locked and math.abs(now - previous) < wait then
  return math.ceil(wait - math.max(now - previous, 0))
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'address', ARGV[2], 'attempts', 0,
           'issued_at', ARGV[3], 'issued_epoch', ARGV[4], 'expires_epoch', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return 0
"""


def _epoch(moment: datetime) -> str:
    return f"{moment.timestamp():.3f}"


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
    expires_at: datetime

    def seconds_left(self, now: datetime) -> int:
        """Whole seconds until it expires by the service clock (0: expired)."""
        return max(0, math.ceil((self.expires_at - now).total_seconds()))


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
        """Store a new code valid `ttl_seconds` from `issued_at`, replacing any earlier one of the
        same user and purpose, unless that one was issued less than `resend_wait_seconds` ago:
        then nothing changes and the seconds still to wait are returned (0: issued)."""
        key = self.keys.security_code(operator_id, purpose)
        wait = await self._issue(
            keys=[key],
            args=[
                code_hash,
                address,
                issued_at.isoformat(),
                _epoch(issued_at),
                f"{issued_at.timestamp() + ttl_seconds:.3f}",
                ttl_seconds + CLEANUP_AFTER_EXPIRY_SECONDS,
                resend_wait_seconds,
            ],
        )
        return int(wait)

    async def current(self, *, operator_id: int, purpose: str, now: datetime) -> IssuedCode | None:
        """The code in place, unless it expired by the service clock's `now`."""
        key = self.keys.security_code(operator_id, purpose)
        address, issued_at, expires_epoch = await self.redis.hmget(
            key, ["address", "issued_at", "expires_epoch"]
        )
        if address is None or issued_at is None or expires_epoch is None:
            return None
        expires_at = datetime.fromtimestamp(float(expires_epoch), UTC)
        if now >= expires_at:
            return None
        return IssuedCode(
            address=str(address),
            issued_at=datetime.fromisoformat(str(issued_at)),
            expires_at=expires_at,
        )

    async def discard(self, *, operator_id: int, purpose: str) -> None:
        await self.redis.delete(self.keys.security_code(operator_id, purpose))

    async def verify(
        self, *, operator_id: int, purpose: str, code_hash: str, max_attempts: int, now: datetime
    ) -> Verification:
        """One attempt at the code; an expired one (by `now`) is MISSING and costs no attempt."""
        key = self.keys.security_code(operator_id, purpose)
        verdict, left = await self._verify(keys=[key], args=[code_hash, max_attempts, _epoch(now)])
        return Verification(verdict=Verdict(str(verdict)), attempts_left=int(left))

    async def consume(
        self, *, operator_id: int, purpose: str, code_hash: str, now: datetime
    ) -> bool:
        """Use the code up, if still valid at `now`; True for exactly one of parallel callers."""
        key = self.keys.security_code(operator_id, purpose)
        return bool(await self._consume(keys=[key], args=[code_hash, _epoch(now)]))
