"""What the PostgreSQL benchmarks share: a database and a Redis key prefix of their own, dropped at
the end, and the API's environment for them.

PostgreSQL and Redis are those `scripts/test` uses (`TEST_POSTGRES_ADMIN_DSN`, `TEST_REDIS_URL`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
import redis.asyncio as aioredis

ADMIN_DSN = os.environ.get(
    "TEST_POSTGRES_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# High enough never to refuse a benchmark's load, yet on: the API pays for counting it.
UNREACHABLE = "1000000000"


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(ADMIN_DSN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@dataclass(frozen=True)
class Stores:
    name: str
    database_url: str
    redis_prefix: str

    async def execute(self, sql: str) -> None:
        """Runs SQL in this database (as the admin user)."""
        connection = await asyncpg.connect(
            self.database_url.replace("postgresql+asyncpg", "postgresql")
        )
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    def environment(self, **extra: str) -> dict[str, str]:
        """The API's variables for these stores; the request budget and the per-address and
        per-user limits are set out of reach, not off."""
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": REDIS_URL,
            "REDIS_KEY_PREFIX": self.redis_prefix,
            "SECRET_KEY": "bench-secret",
            "LOG_LEVEL": "warning",  # no access log, as behind a proxy that writes its own
            "AUTO_MIGRATE": "false",
            "SEED_DEMO": "false",
            "REQUEST_BUDGET_PER_MINUTE": UNREACHABLE,
            "LOGIN_MAX_FAILURES_PER_ADDRESS": UNREACHABLE,
            "DEREGISTRATION_CHANGES_PER_HOUR": UNREACHABLE,
            **extra,
        }


@asynccontextmanager
async def bench_stores() -> AsyncIterator[Stores]:
    """A new database and Redis key prefix; both gone when the block ends."""
    name = f"ecuapass_bench_{uuid.uuid4().hex[:8]}"
    await admin(f'CREATE DATABASE "{name}"')
    credentials, _, location = ADMIN_DSN.split("//", 1)[1].partition("@")
    server = location.rsplit("/", 1)[0]
    stores = Stores(
        name=name,
        database_url=f"postgresql+asyncpg://{credentials}@{server}/{name}",
        redis_prefix=f"bench:{name}:",
    )
    try:
        yield stores
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = aioredis.Redis.from_url(REDIS_URL)
        try:
            async for key in client.scan_iter(match=f"{stores.redis_prefix}*"):
                await client.delete(key)
        finally:
            await client.aclose()
