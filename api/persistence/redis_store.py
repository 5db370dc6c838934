"""The Redis client (or the in-process stand-in of the zero-setup mode) and its key names."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

Redis = aioredis.Redis


def create_redis(url: str | None, *, socket_timeout: float = 2.0) -> Redis:
    if url is None:
        # Zero-setup mode only: a Redis-compatible store living in this process.
        import fakeredis

        fake: Any = fakeredis.FakeAsyncRedis(decode_responses=True)
        return fake  # type: ignore[no-any-return]
    return aioredis.Redis.from_url(
        url,
        decode_responses=True,
        # Bounded waits: with Redis down a request fails within seconds instead of hanging.
        socket_timeout=socket_timeout,
        socket_connect_timeout=2,
        retry=Retry(NoBackoff(), 1),
        health_check_interval=15,
    )


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
