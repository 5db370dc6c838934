"""E-mail reservations of "Comprobar disponibilidad" (§5.5.1): an address found available is held
for the user who checked it for 15 minutes, so two users checking it at once cannot both get it,
and the user cannot switch to another address in the same update.

Two keys per hold: the address's (a hash: who holds it and until when, the truth) and the
holder's (the address it holds, to find it). Whether a hold still stands is decided from the
instant stored with it, read with the service clock (api/clock.py), never from Redis's own time:
with CLOCK_FIXED (rehearsals) a hold ends by the rehearsal's clock, as security codes do
(api/persistence/code_store.py). The keys' TTL only cleans up.

Each step runs as one Lua script, so that of users reserving one address at once exactly one
gets it, and a hold is read together with the address key that proves it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from api.persistence.redis_store import Keys, Redis

# How long Redis keeps a hold after it ended by the service clock. CLOCK_FIXED stops the service
# clock while Redis's time goes on: a hold made on a fixed clock never ends by that clock, only
# by a process started later on a later one. A TTL of the hold's own length would drop it while
# the rehearsal still counts it valid; a day covers a rehearsal. Keeping stale holds costs
# little: a user holds one address at a time, and a stale hold is inert (it is not read as one).
CLEANUP_AFTER_END_SECONDS: Final = 24 * 3600

# An address key written by an earlier version (a plain string) is no hold: read as free, and
# overwritten, rather than failing with WRONGTYPE until it expires.
_HOLD = """
local function hold(key, now)
  if redis.call('TYPE', key).ok ~= 'hash' then return nil, nil end
  local found = redis.call('HMGET', key, 'owner', 'until')
  local till = tonumber(found[2] or '')
  if found[1] and till and now < till then return found[1], till end
  return nil, nil
end
"""

# KEYS[1] address -> hold, KEYS[2] owner -> address; ARGV[1] owner, ARGV[2] address, ARGV[3] now,
# ARGV[4] until (epoch seconds, the service clock's), ARGV[5] cleanup seconds, ARGV[6] the
# address keys' prefix. A renewal never shortens the caller's own hold.
_RESERVE = (
    _HOLD
    + """
local now = tonumber(ARGV[3])
local holder, till = hold(KEYS[1], now)
if holder and holder ~= ARGV[1] then return 0 end
local ends = tonumber(ARGV[4])
if till and till > ends then ends = till end
local previous = redis.call('GET', KEYS[2])
if previous and previous ~= ARGV[2] then
  local previous_key = ARGV[6] .. previous
  if redis.call('TYPE', previous_key).ok == 'hash'
     and redis.call('HGET', previous_key, 'owner') == ARGV[1] then
    redis.call('DEL', previous_key)
  end
end
local ttl = math.ceil(ends - now) + tonumber(ARGV[5])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'until', string.format('%.3f', ends))
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('SET', KEYS[2], ARGV[2], 'EX', ttl)
return 1
"""
)

# KEYS[1] owner -> address; ARGV[1] owner, ARGV[2] now, ARGV[3] the address keys' prefix.
_RESERVED = (
    _HOLD
    + """
local address = redis.call('GET', KEYS[1])
if not address then return false end
local holder = hold(ARGV[3] .. address, tonumber(ARGV[2]))
if holder == ARGV[1] then return address end
return false
"""
)

# KEYS[1] address -> hold, KEYS[2] owner -> address; ARGV[1] owner. Another user's hold (taken
# after this one ended) is left alone.
_RELEASE = """
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' or redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
redis.call('DEL', KEYS[2])
return 1
"""


def _epoch(moment: datetime) -> str:
    return f"{moment.timestamp():.3f}"


class EmailReservationStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._reserve = redis.register_script(_RESERVE)
        self._reserved = redis.register_script(_RESERVED)
        self._release = redis.register_script(_RELEASE)

    async def reserve(
        self, *, operator_id: int, address_key: str, now: datetime, until: datetime
    ) -> bool:
        """Hold `address_key` for the operator until `until` (renewing its own hold, never
        shortening it); False if another holds it at `now`."""
        result = await self._reserve(
            keys=[self.keys.email_reservation(address_key), self.keys.reserved_by(operator_id)],
            args=[
                str(operator_id),
                address_key,
                _epoch(now),
                _epoch(until),
                CLEANUP_AFTER_END_SECONDS,
                self.keys.email_reservation(""),
            ],
        )
        return bool(result)

    async def reserved_address(self, operator_id: int, *, now: datetime) -> str | None:
        """The address the operator holds at `now`, by the service clock."""
        value = await self._reserved(
            keys=[self.keys.reserved_by(operator_id)],
            args=[str(operator_id), _epoch(now), self.keys.email_reservation("")],
        )
        return None if value is None else str(value)

    async def last_reserved(self, operator_id: int) -> str | None:
        """The address the operator held last, whether or not the hold still stands: known until
        the keys are cleaned up, a day after the hold ended. It tells a hold that ended from an
        address never checked."""
        value = await self.redis.get(self.keys.reserved_by(operator_id))
        return None if value is None else str(value)

    async def release(self, *, operator_id: int, address_key: str) -> None:
        await self._release(
            keys=[self.keys.email_reservation(address_key), self.keys.reserved_by(operator_id)],
            args=[str(operator_id)],
        )
