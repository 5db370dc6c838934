"""The async engine and session factory: asyncpg for PostgreSQL, aiosqlite for SQLite."""

from __future__ import annotations

import time
import uuid
from typing import Any, Final

from sqlalchemy import event, exc, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel.ext.asyncio.session import AsyncSession

SessionFactory = async_sessionmaker[AsyncSession]
WRITE_ISOLATION = "READ COMMITTED"
# A connection given back to the pool less than this long ago is handed out again without a
# ping (HikariCP's `aliveBypassWindowMs`, whose default is 500 ms): see `ping_rested_connections`.
PING_AFTER_REST_SECONDS: Final = 1.0


def create_engine(
    database_url: str, *, pool_size: int = 20, behind_pgbouncer: bool = False
) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        engine = create_async_engine(
            database_url, connect_args={"timeout": 15}, hide_parameters=True
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # Foreign keys are off by default in SQLite; WAL lets readers run beside a writer.
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    engine = create_async_engine(
        database_url,
        # Error messages never carry the values of a statement (a password hash, a person's data).
        hide_parameters=True,
        # Connections rest in autocommit, so a ping (`ping_rested_connections`) is one round trip
        # (`;`): in transactional mode the asyncpg dialect wraps it in BEGIN … ROLLBACK, three.
        # Writes ask for READ COMMITTED (create_session_factory). Behind PgBouncer every
        # statement must run inside a transaction: the dialect prepares, then executes, and
        # between two transactions PgBouncer may hand the next message to another server
        # connection, where that statement does not exist.
        isolation_level="READ COMMITTED" if behind_pgbouncer else "AUTOCOMMIT",
        # A fixed size, no overflow: overflow connections are closed as soon as they are given
        # back, so a load hovering around the pool size opened and closed a PostgreSQL backend
        # every few requests.
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        connect_args=_pgbouncer_arguments() if behind_pgbouncer else direct_connect_arguments(),
    )
    event.listen(engine.sync_engine, "handle_error", _refusal_as_unavailable)
    ping_rested_connections(engine)
    return engine


def ping_rested_connections(engine: AsyncEngine) -> None:
    """Pings a connection before handing it out only when it rested in the pool for
    `PING_AFTER_REST_SECONDS` or more.

    The pool's `pre_ping` pings at every checkout: a round trip to PostgreSQL before every
    request's first statement, under load a tenth of `me`'s time (docs/performance.md), to
    learn what the statement before it, a few milliseconds earlier, already showed. A server
    that restarted or dropped the connection since is found here for a connection that rested;
    one that fails a statement during its use is invalidated by SQLAlchemy with the rest of the
    pool, which then reconnects. SQLAlchemy's documented recipe: a `checkout` listener raising
    `DisconnectionError` makes the pool replace the connection and try again. Not after a ping
    that got no answer in time: a server that stopped answering would keep a new connection
    waiting as long again, so the connection is dropped and the checkout fails at once.
    """

    def fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info["rested_since"] = time.monotonic()

    def ping_if_rested(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        rested_since = record.info.get("rested_since", 0.0)
        if time.monotonic() - rested_since < PING_AFTER_REST_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except TimeoutError as error:
            # The server stopped answering: a new connection would wait as long again.
            abandon(dbapi_connection.driver_connection)
            record.invalidate(error)
            raise DatabaseUnavailable("PostgreSQL did not answer the ping in time") from error
        except Exception as error:
            raise exc.DisconnectionError("the pooled connection no longer answers") from error

    event.listen(engine.sync_engine, "connect", fresh)
    event.listen(engine.sync_engine, "checkin", fresh)
    event.listen(engine.sync_engine, "checkout", ping_if_rested)


# Bounded waits, so that a request answers within 5 s whatever PostgreSQL does (README). A server
# that stops answering (a frozen host, a network dropping packets) sends no error and never
# reaches its own statement_timeout: the client stops waiting for a connection and for each
# statement, its ping included, and asyncpg asks the server to cancel what was running. The
# server's statement_timeout (5 s) stays as its own backstop, for a cancel that got lost.
CONNECT_TIMEOUT_SECONDS: Final = 4.0
COMMAND_TIMEOUT_SECONDS: Final = 4.5
# How long a request waits for a free connection of a pool.
POOL_TIMEOUT_SECONDS: Final = 5.0


def direct_connect_arguments() -> dict[str, Any]:
    return {
        "timeout": CONNECT_TIMEOUT_SECONDS,
        "command_timeout": COMMAND_TIMEOUT_SECONDS,
        "server_settings": {"statement_timeout": "5000"},
    }


def _pgbouncer_arguments() -> dict[str, Any]:
    """For PgBouncer in transaction pooling mode, where consecutive statements of a connection
    may reach different server connections: no prepared statement may outlive its statement
    (asyncpg's cache and SQLAlchemy's both off), and the names of those the dialect prepares
    must never collide between clients (SQLAlchemy's documented recipe). PgBouncer refuses
    startup parameters it does not know, so the statement timeout is the server's: set it on
    the role (`ALTER ROLE … SET statement_timeout = '5s'`, README)."""
    return {
        "timeout": CONNECT_TIMEOUT_SECONDS,
        "command_timeout": COMMAND_TIMEOUT_SECONDS,
        "statement_cache_size": 0,
        "prepared_statement_cache_size": 0,
        "prepared_statement_name_func": lambda: f"__asyncpg_{uuid.uuid4()}__",
    }


class DatabaseUnavailable(ConnectionError):
    """PostgreSQL refused to serve (too many clients, starting up or shutting down, the
    connection lost): a dependency failure like any other, answered SERVICE_UNAVAILABLE."""


# SQLSTATE classes of a server that cannot serve now, not of a bad statement: 08 connection
# exception, 53 insufficient resources (53300 too_many_connections), 57P0x shutting down or
# not accepting connections yet.
UNAVAILABLE_SQLSTATES = ("08", "53", "57P0")


def refusal_to_serve(error: BaseException) -> DatabaseUnavailable | None:
    """The `DatabaseUnavailable` an error of the driver stands for, if its SQLSTATE says the
    server cannot serve now; its text names nothing internal (no role, host or statement)."""
    state = getattr(error, "sqlstate", None) or ""
    if state.startswith(UNAVAILABLE_SQLSTATES):
        return DatabaseUnavailable(f"PostgreSQL refused to serve (SQLSTATE {state})")
    return None


def _refusal_as_unavailable(context: Any) -> None:
    """SQLAlchemy's documented `handle_error` hook: such an error becomes `DatabaseUnavailable`
    (`refusal_to_serve`), and a statement that timed out drops its connection at once."""
    if isinstance(context.original_exception, TimeoutError) and context.connection is not None:
        abandon(context.connection.connection.driver_connection)
    refusal = refusal_to_serve(context.original_exception)
    if refusal is not None:
        raise refusal


def abandon(driver: Any) -> None:
    """Closes an asyncpg connection whose server did not answer in time without a word to it.
    SQLAlchemy then invalidates the connection (a timeout counts as a disconnect), and would
    first close it gracefully, waiting up to two more seconds for a server that is not
    answering."""
    if driver is not None:
        driver.terminate()


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions for writes: one transaction each (`Services.transaction`), READ COMMITTED on
    PostgreSQL (its default, asked for explicitly since connections rest in autocommit)."""
    writes = (
        engine.execution_options(isolation_level=WRITE_ISOLATION)
        if engine.dialect.name == "postgresql"
        else engine
    )
    return async_sessionmaker(writes, class_=AsyncSession, expire_on_commit=False)


def create_read_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions for reads, on autocommit connections of the same pool.

    A read inside BEGIN … ROLLBACK costs two more round trips than the read itself. Under READ
    COMMITTED every statement takes its own snapshot anyway, so a read made of several
    statements sees the same with or without the surrounding transaction.
    """
    # PostgreSQL connections rest in autocommit already (create_engine): asking again would set
    # and reset the level on every checkout for nothing.
    reads = (
        engine
        if engine.dialect.name == "postgresql"
        else engine.execution_options(isolation_level="AUTOCOMMIT")
    )
    return async_sessionmaker(reads, class_=AsyncSession, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
