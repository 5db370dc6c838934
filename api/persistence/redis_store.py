"""The Redis client (or the in-process stand-in of the zero-setup mode) and its key names."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
import redis.exceptions
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

Redis = aioredis.Redis


def create_redis(
    url: str | None, *, socket_timeout: float = 2.0, pool_size: int = 50, pool_wait: float = 2.0
) -> Redis:
    if url is None:
        # Zero-setup mode only: a Redis-compatible store living in this process.
        import fakeredis

        fake: Any = fakeredis.FakeAsyncRedis(decode_responses=True)
        return fake  # type: ignore[no-any-return]
    # A burst of requests waits (at most `pool_wait` seconds) for one of `pool_size` connections
    # instead of failing at once when they are all in use.
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=pool_size,
        timeout=pool_wait,
        decode_responses=True,
        # Bounded waits: with Redis hung or down a command fails within `socket_timeout`.
        socket_timeout=socket_timeout,
        socket_connect_timeout=2,
        # One retry for a connection the server closed meanwhile, none for a timeout: a hung
        # Redis costs a request one timeout, not two.
        retry=Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,)),
        health_check_interval=15,
    )
    return aioredis.Redis(connection_pool=pool)


class Keys:
    """Every Redis key the service writes, under one prefix (tests use one prefix per run)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def session(self, token_hash: str) -> str:
        return f"{self.prefix}session:{token_hash}"

    def user_sessions(self, operator_id: int) -> str:
        return f"{self.prefix}user-sessions:{operator_id}"

    def rate(self, bucket: str, subject: str) -> str:
        return f"{self.prefix}rate:{bucket}:{subject}"

    def events(self) -> str:
        return f"{self.prefix}events"

    def security_code(self, operator_id: int, purpose: str) -> str:
        return f"{self.prefix}code:{purpose}:{operator_id}"

    def email_reservation(self, address_key: str) -> str:
        return f"{self.prefix}email-reservation:{address_key}"

    def reserved_by(self, operator_id: int) -> str:
        return f"{self.prefix}email-reserved-by:{operator_id}"
