"""How reads and writes use PostgreSQL connections: writes in one READ COMMITTED transaction,
reads in autocommit, and a connection that rested in the pool checked with one round trip."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import api.persistence.db
from api.persistence.db import create_engine, create_read_session_factory, create_session_factory
from tests.api.conftest import Environment


@pytest.fixture
async def engine(environment: Environment) -> AsyncIterator[AsyncEngine]:
    """One connection only, so that every session below gets the same one back."""
    built = create_engine(environment.settings().database_url, pool_size=1)
    yield built
    await built.dispose()


async def scalar(session: Any, sql: str) -> Any:
    return (await session.exec(text(sql))).scalar_one()


async def test_a_write_session_is_one_read_committed_transaction(engine: AsyncEngine) -> None:
    async with create_session_factory(engine)() as session, session.begin():
        isolation = await scalar(session, "SHOW transaction_isolation")
        first = await scalar(session, "SELECT now()")
        await asyncio.sleep(0.01)
        second = await scalar(session, "SELECT now()")

    assert isolation == "read committed"
    assert first == second, "now() is the transaction's start: both statements are in one"


async def test_a_read_session_runs_each_statement_on_its_own(engine: AsyncEngine) -> None:
    async with create_read_session_factory(engine)() as session:
        first = await scalar(session, "SELECT now()")
        await asyncio.sleep(0.01)
        second = await scalar(session, "SELECT now()")

    assert first < second, "autocommit: each statement is its own transaction"


async def test_a_rested_connection_from_the_pool_is_checked_with_one_statement_after_a_write(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api.persistence.db, "PING_AFTER_REST_SECONDS", 0.05)
    statements: list[str] = []
    async with create_read_session_factory(engine)() as session:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        raw.driver_connection.add_query_logger(lambda record: statements.append(record.query))  # type: ignore[union-attr]
    async with create_session_factory(engine)() as session, session.begin():
        await scalar(session, "SELECT 1")
    statements.clear()
    await asyncio.sleep(0.1)

    async with create_read_session_factory(engine)() as session:
        assert await scalar(session, "SELECT 2") == 2

    # The ping alone, with no BEGIN/ROLLBACK around it (the read itself runs as a prepared
    # statement, which the query logger does not list).
    assert statements == [";"]
