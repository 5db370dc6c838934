"""E-mail reservations of "Comprobar disponibilidad" (§5.5.1): an address found available is held
for the user who checked it for 15 minutes, so two users checking it at once cannot both get it,
and the user cannot switch to another address in the same update.
"""

from __future__ import annotations

from api.persistence.redis_store import Keys, Redis

# KEYS[1] address -> owner, KEYS[2] owner -> address; ARGV[1] owner, ARGV[2] address, ARGV[3] ttl.
_RESERVE = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
local previous = redis.call('GET', KEYS[2])
if previous and previous ~= ARGV[2] then
  local previous_key = ARGV[4] .. previous
  if redis.call('GET', previous_key) == ARGV[1] then redis.call('DEL', previous_key) end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[3]))
redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
"""


class EmailReservationStore:
    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._reserve = redis.register_script(_RESERVE)

    async def reserve(self, *, operator_id: int, address_key: str, ttl_seconds: int) -> bool:
        """Hold `address_key` for the operator (renewing its own hold); False if another holds it."""
        result = await self._reserve(
            keys=[self.keys.email_reservation(address_key), self.keys.reserved_by(operator_id)],
            args=[str(operator_id), address_key, ttl_seconds, self.keys.email_reservation("")],
        )
        return bool(result)

    async def reserved_address(self, operator_id: int) -> str | None:
        value = await self.redis.get(self.keys.reserved_by(operator_id))
        return None if value is None else str(value)

    async def release(self, *, operator_id: int, address_key: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(
                self.keys.email_reservation(address_key), self.keys.reserved_by(operator_id)
            )
            await pipe.execute()
