"""The Redis client (or the in-process stand-in of the zero-setup mode) and its key names."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import redis.asyncio as aioredis
import redis.exceptions
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool
from redis.backoff import NoBackoff

Redis = aioredis.Redis
CONNECT_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class SentinelTarget:
    """Where to ask for the master: the Sentinels' addresses and the master's name there."""

    addresses: tuple[tuple[str, int], ...]
    master: str
    password: str | None = None


class WaitsForAFreeConnection(aioredis.ConnectionPool):
    """A pool that, when all `max_connections` are in use, waits up to `timeout` seconds for one
    to come back instead of failing at once, as redis-py's `BlockingConnectionPool` does.

    `BlockingConnectionPool` enters a condition and a timeout for every command, free
    connection or not: a sixth of the CPU of the session's GETEX (docs/performance.md). Here a
    command that finds a connection takes it as the plain pool does (its public
    `get_connection`), and only a command that finds none waits, woken by the next `release`."""

    def __init__(self, *args: Any, timeout: float = 20.0, **options: Any) -> None:
        # Positional arguments too: Sentinel's `master_for` gives its pool class the service's
        # name and its manager so.
        super().__init__(*args, **options)
        self.timeout = timeout
        self._returned = asyncio.Condition()
        self._waiting = 0

    async def get_connection(self, *args: Any, **options: Any) -> Any:
        deadline = asyncio.get_running_loop().time() + self.timeout
        while True:
            try:
                return await super().get_connection(*args, **options)  # type: ignore[no-untyped-call]
            except redis.exceptions.MaxConnectionsError:
                await self._wait_for_a_return(deadline)

    async def _wait_for_a_return(self, deadline: float) -> None:
        try:
            async with asyncio.timeout_at(deadline), self._returned:
                self._waiting += 1
                try:
                    # The pool's own test first: one may have come back since the refusal.
                    await self._returned.wait_for(self.can_get_connection)
                finally:
                    self._waiting -= 1
        except TimeoutError as error:
            raise redis.exceptions.ConnectionError("No connection available.") from error

    async def release(self, connection: Any) -> None:
        await super().release(connection)
        if self._waiting:
            async with self._returned:
                self._returned.notify()


class SentinelWaitingConnectionPool(WaitsForAFreeConnection, SentinelConnectionPool):
    """Sentinel's pool (asks the Sentinels for the master before each new connection, drops
    connections to a demoted one) that waits for a free connection (`WaitsForAFreeConnection`)."""


def create_redis(
    url: str | None,
    *,
    sentinel: SentinelTarget | None = None,
    socket_timeout: float = 2.0,
    pool_size: int = 50,
    pool_wait: float = 2.0,
) -> Redis:
    """A client for REDIS_URL, or for the master the Sentinels name (REDIS_URL then gives only
    the user, password and database), or the in-process stand-in when neither is set."""
    if url is None and sentinel is None:
        # Zero-setup mode only: a Redis-compatible store living in this process.
        import fakeredis

        fake: Any = fakeredis.FakeAsyncRedis(decode_responses=True)
        return fake  # type: ignore[no-any-return]
    options: dict[str, Any] = {
        # A burst of requests waits (at most `pool_wait` seconds) for one of `pool_size`
        # connections instead of failing at once when they are all in use.
        "max_connections": pool_size,
        "timeout": pool_wait,
        "decode_responses": True,
        # Bounded waits: with Redis hung or down a command fails within `socket_timeout`.
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        # One retry for a connection the server closed meanwhile (behind Sentinel: after a
        # failover, the retry asks the Sentinels again), none for a timeout: a hung Redis costs
        # a request one timeout, not two.
        "retry": Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,)),
        "health_check_interval": 15,
    }
    if sentinel is None:
        assert url is not None
        return aioredis.Redis(connection_pool=WaitsForAFreeConnection.from_url(url, **options))
    manager = Sentinel(  # type: ignore[no-untyped-call]
        list(sentinel.addresses),
        sentinel_kwargs={
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "password": sentinel.password,
        },
    )
    client: Redis = manager.master_for(
        sentinel.master,
        connection_pool_class=SentinelWaitingConnectionPool,
        **options,
        **_credentials(url),
    )
    return client


def _credentials(url: str | None) -> dict[str, Any]:
    """The user, password and database number a redis:// URL names (its host is not used)."""
    if url is None:
        return {}
    parts = urlsplit(url)
    database = parts.path.strip("/")
    return {
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "db": int(database) if database.isdigit() else 0,
        "ssl": parts.scheme == "rediss",
    }


async def close_redis(client: Redis) -> None:
    """Closes the client's connections, and behind Sentinel its connections to the Sentinels."""
    pool = client.connection_pool
    await client.aclose()
    if isinstance(pool, SentinelConnectionPool):
        await pool.sentinel_manager.aclose()


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
