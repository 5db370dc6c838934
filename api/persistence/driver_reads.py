"""asyncpg's own pool, for the one read every signed-in request makes (the session's operator,
api/persistence/operator_records.py).

Through SQLAlchemy's pool the same read cost more than twice the CPU: three greenlet switches
(checkout, the raw connection, the return) and a shielded task for the return, around a read
that needs none of the pool's events or its transaction handling. asyncpg's pool hands out a
connection with one queue operation. Its default reset on return (`RESET ALL`, `UNLISTEN *` …)
is a round trip of its own; the connections of this pool only ever run the reads given here,
outside any transaction, so they come back as they went out and are not reset.

The pool takes half of DATABASE_POOL_SIZE (`pool_shares`), opens its connections only when a
read asks for one, and is not used behind PgBouncer's transaction pooling nor on SQLite: there
the read runs through SQLAlchemy Core (api/services/container.py, `Services.operator_record`).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Sequence
from typing import Any, Final

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from api.persistence.db import (
    POOL_TIMEOUT_SECONDS,
    DatabaseUnavailable,
    direct_connect_arguments,
    refusal_to_serve,
)

# Below this DATABASE_POOL_SIZE every read stays on SQLAlchemy's pool: a process that small (the
# relay, a CronJob) serves no requests, and a share of one connection would starve its writes.
SMALLEST_SHARED_POOL: Final = 4

# Failures of the connection itself, not of the statement: the connection is not used again.
# A timeout is not among them: a read that timed out is not tried again.
CONNECTION_FAILURES: Final = (
    OSError,
    asyncpg.InterfaceError,  # its ConnectionDoesNotExistError: the server closed it
    asyncpg.PostgresConnectionError,
    # A connection whose protocol was left mid-operation (the server ended it meanwhile).
    asyncpg.InternalClientError,
)

_CONNECT_PARAMETERS: Final = frozenset(inspect.signature(asyncpg.connect).parameters)


def pool_shares(pool_size: int, *, reads_on_driver: bool) -> tuple[int, int]:
    """DATABASE_POOL_SIZE split between SQLAlchemy's pool (writes, and every other read) and
    this one, half each (rounded down here), so that the process never holds more than
    DATABASE_POOL_SIZE connections in all; all of it SQLAlchemy's where this pool is not used
    (`reads_on_driver` false: SQLite, PgBouncer).

    Every signed-in request reads here, so the share must cover the requests a process serves
    at once: asyncpg's pool waits in an `asyncio.Queue`, where a connection given back may go to
    a request that just arrived rather than to one waiting, and with a quarter of 20 (five) for
    16 requests at once one `me` in a hundred waited 200 ms (bench/me.py)."""
    if not reads_on_driver or pool_size < SMALLEST_SHARED_POOL:
        return pool_size, 0
    reads = pool_size // 2
    return pool_size - reads, reads


async def _as_it_went_out(_connection: asyncpg.Connection) -> None:
    """The pool's `reset`: nothing to undo (see the module)."""


class DriverReads:
    """See the module."""

    def __init__(self, connect_arguments: dict[str, Any], *, size: int) -> None:
        self._connect_arguments = connect_arguments
        self._size = size
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def _opened(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    # No connection yet (`min_size=0`): opening the pool is no I/O.
                    self._pool = await asyncpg.create_pool(
                        min_size=0,
                        max_size=self._size,
                        reset=_as_it_went_out,
                        # Kept open while idle, as SQLAlchemy's pool keeps its own: asyncpg's
                        # idle timer is set again at every return, and the handle of each one
                        # cancelled holds the request's context until the loop drops it.
                        max_inactive_connection_lifetime=0,
                        # Its one statement stays prepared, with no expiry timer per entry.
                        max_cached_statement_lifetime=0,
                        **self._connect_arguments,
                    )
        return self._pool

    async def fetch_row(self, statement: str, *arguments: object) -> Sequence[Any] | None:
        """One row of `statement` (asyncpg prepares it once per connection, its statement cache).

        A connection found lost makes the pool replace every connection it holds, as SQLAlchemy
        does, and the read is tried once more on a new one: after a PostgreSQL restart every
        pooled connection is lost, and each is found so without failing a request. A read that
        timed out (COMMAND_TIMEOUT_SECONDS) is not tried again, and its connection is dropped
        without a word to a server that is not answering. A server that cannot serve is
        `DatabaseUnavailable`, as the engine's `handle_error` hook makes it for SQLAlchemy's
        statements."""
        pool = await self._opened()
        for attempt in range(2):
            connection = await _acquired(pool)
            try:
                row: Sequence[Any] | None = await connection.fetchrow(statement, *arguments)
            except TimeoutError as error:
                _drop(connection)
                raise DatabaseUnavailable("PostgreSQL did not answer in time") from error
            except CONNECTION_FAILURES as error:
                _drop(connection)
                await pool.expire_connections()
                if attempt:
                    raise DatabaseUnavailable("the connection to PostgreSQL was lost") from error
                continue
            except asyncpg.PostgresError as error:
                refusal = refusal_to_serve(error)
                if refusal is None:
                    raise
                _drop(connection)
                raise refusal from error
            finally:
                await pool.release(connection)
            return row
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()


def _drop(connection: asyncpg.Connection) -> None:
    """Closes the connection without a word to a server that may not be answering; a connection
    already closed has gone back to the pool by itself (its proxy then refuses every call)."""
    with contextlib.suppress(asyncpg.InterfaceError):
        connection.terminate()


async def _acquired(pool: asyncpg.Pool) -> asyncpg.Connection:
    """A connection of the pool, within the wait SQLAlchemy's pool allows (README: an answer
    within 5 s), or `DatabaseUnavailable`."""
    try:
        connection: asyncpg.Connection = await pool.acquire(timeout=POOL_TIMEOUT_SECONDS)
    except TimeoutError as error:
        raise DatabaseUnavailable("no PostgreSQL connection came free in time") from error
    except CONNECTION_FAILURES as error:
        raise DatabaseUnavailable("PostgreSQL could not be reached") from error
    except asyncpg.PostgresError as error:
        refusal = refusal_to_serve(error)
        if refusal is None:
            raise
        raise refusal from error
    return connection


def reads_on_driver(database_url: str, *, behind_pgbouncer: bool) -> bool:
    """Whether the session's read may run on asyncpg's own pool: PostgreSQL reached directly."""
    return database_url.startswith("postgresql") and not behind_pgbouncer


def driver_reads_for(engine: AsyncEngine, *, size: int) -> DriverReads | None:
    """The pool of `size` connections for `engine`'s PostgreSQL, on the same server, role and
    options (SQLAlchemy's public `create_connect_args`), or None for a size of 0, where the reads
    stay on SQLAlchemy's pool (`pool_shares`)."""
    if size == 0:
        return None
    assert engine.dialect.name == "postgresql", "pool_shares gives other databases no share"
    _, options = engine.dialect.create_connect_args(engine.url)
    # The URL's query may carry options of SQLAlchemy's adapter that asyncpg does not know.
    arguments = {name: value for name, value in options.items() if name in _CONNECT_PARAMETERS}
    arguments.update(direct_connect_arguments())
    return DriverReads(arguments, size=size)
