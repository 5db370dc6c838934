"""Everything a request or a command needs, opened once per process and closed at shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from api.clock import Clock, clock_for
from api.domain.catalogs import Catalogs
from api.domain.errors import DomainError, ErrorCode
from api.mail.sender import LogMailer, Mailer, SmtpMailer
from api.persistence.catalog_source import load_catalogs
from api.persistence.code_store import SecurityCodeStore
from api.persistence.db import (
    SessionFactory,
    create_engine,
    create_read_session_factory,
    create_session_factory,
)
from api.persistence.driver_reads import (
    DriverReads,
    driver_reads_for,
    pool_shares,
    reads_on_driver,
)
from api.persistence.operator_records import (
    OperatorRecord,
    operator_record,
    operator_record_through_driver,
)
from api.persistence.rate_limits import Limit, RateLimiter
from api.persistence.redis_store import Keys, Redis, SentinelTarget, close_redis, create_redis
from api.persistence.request_budget import RequestBudgetCounter, request_budget
from api.persistence.reservations import EmailReservationStore
from api.persistence.sessions import SessionStore
from api.settings import Settings


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    session_factory: SessionFactory
    read_session_factory: SessionFactory
    redis: Redis
    # For blocking stream reads, whose replies take longer than a normal command may.
    blocking_redis: Redis
    keys: Keys
    sessions: SessionStore
    rate_limiter: RateLimiter
    codes: SecurityCodeStore
    reservations: EmailReservationStore
    mailer: Mailer
    catalogs: Catalogs
    clock: Clock
    # None when REQUEST_BUDGET_PER_MINUTE is 0.
    request_budget: RequestBudgetCounter | None
    # asyncpg's own pool for the session's read, where PostgreSQL is reached directly.
    driver_reads: DriverReads | None = None
    # Set after each commit so that this process's relay publishes at once.
    outbox_written: asyncio.Event = field(default_factory=asyncio.Event)
    # Set after a commit that queued notices, so that this process's worker sends them at once
    # (the request that queued them does not wait for the mail server).
    notices_queued: asyncio.Event = field(default_factory=asyncio.Event)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One database transaction: committed when the block ends, rolled back on any error."""
        async with self.session_factory() as session, session.begin():
            yield session
        self.outbox_written.set()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """Reads only (autocommit: no BEGIN/ROLLBACK around them); writes use `transaction`."""
        async with self.read_session_factory() as session:
            yield session

    def connected(self) -> AsyncConnection:
        """A connection for SQLAlchemy Core reads, with no ORM session: the reads every request
        makes (api/persistence/operator_records.py). Used as `async with`, it goes back to the
        pool when the block ends."""
        return self.engine.connect()

    async def operator_record(self, operator_id: int) -> OperatorRecord | None:
        """The operator's record, as every signed-in request reads it (api/persistence/
        operator_records.py): on asyncpg's own pool where there is one, else through Core."""
        if self.driver_reads is not None:
            return await operator_record_through_driver(self.driver_reads, operator_id)
        async with self.connected() as connection:
            return await operator_record(connection, operator_id)

    async def spend(self, limit: Limit, subject: str, *, field: str | None = None) -> None:
        """Counts one event of `limit` for `subject`; over the limit, RATE_LIMITED with the
        seconds to wait (on `field`)."""
        state = await self.rate_limiter.hit(limit, subject)
        if state.exceeded(limit):
            raise DomainError.single(field, ErrorCode.RATE_LIMITED, retry_after=state.retry_after)

    async def close(self) -> None:
        if self.request_budget is not None:
            await self.request_budget.close()
        await close_redis(self.redis)
        if self.blocking_redis is not self.redis:
            await close_redis(self.blocking_redis)
        if self.driver_reads is not None:
            await self.driver_reads.close()
        await self.engine.dispose()


def build_mailer(settings: Settings) -> Mailer:
    if settings.smtp_host is None:
        return LogMailer()
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.mail_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )


def build_services(settings: Settings) -> Services:
    engine_share, reads_share = pool_shares(
        settings.database_pool_size,
        reads_on_driver=reads_on_driver(
            settings.database_url, behind_pgbouncer=settings.database_behind_pgbouncer
        ),
    )
    engine = create_engine(
        settings.database_url,
        pool_size=engine_share,
        behind_pgbouncer=settings.database_behind_pgbouncer,
    )
    driver_reads = driver_reads_for(engine, size=reads_share)
    sentinel = (
        SentinelTarget(
            addresses=settings.redis_sentinels,
            master=settings.redis_sentinel_master,
            password=settings.redis_sentinel_password,
        )
        if settings.redis_sentinels and settings.redis_sentinel_master
        else None
    )
    redis = create_redis(settings.redis_url, sentinel=sentinel, pool_size=settings.redis_pool_size)
    # The in-process store of the zero-setup mode must be shared: its data lives in the object.
    blocking_redis = (
        create_redis(settings.redis_url, sentinel=sentinel, socket_timeout=10)
        if settings.uses_redis
        else redis
    )
    keys = Keys(settings.redis_key_prefix)
    return Services(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        read_session_factory=create_read_session_factory(engine),
        redis=redis,
        blocking_redis=blocking_redis,
        keys=keys,
        sessions=SessionStore(redis, keys, ttl_seconds=settings.session_ttl_seconds),
        rate_limiter=RateLimiter(redis, keys),
        codes=SecurityCodeStore(redis, keys),
        reservations=EmailReservationStore(redis, keys),
        mailer=build_mailer(settings),
        catalogs=load_catalogs(),
        clock=clock_for(settings.clock_fixed),
        request_budget=(
            RequestBudgetCounter(redis, keys, request_budget(settings.request_budget_per_minute))
            if settings.request_budget_per_minute
            else None
        ),
        driver_reads=driver_reads,
    )
