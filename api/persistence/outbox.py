"""Reading the outbox: the relay's batches and the replays of `operatorEvents(after:)`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import sqlalchemy as sa
from sqlalchemy import func, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.clock import as_utc
from api.domain.events import OperatorEventData
from api.persistence.tables import OutboxEventRow

RELAY_LOCK_KEY = 0x52_45_4C_59  # "RELY"


def to_event(row: OutboxEventRow) -> OperatorEventData:
    assert row.sequence is not None
    return OperatorEventData(
        sequence=row.sequence,
        event_id=row.event_id,
        event_type=row.event_type,
        operator_id=row.operator_id,
        user_id=row.user_id,
        actor=row.actor,
        occurred_at=as_utc(row.occurred_at),
        changes=tuple(row.changes),
    )


async def try_relay_lock(session: AsyncSession) -> bool:
    """One relay at a time across processes (a transaction-scoped PostgreSQL advisory lock: it is
    released by the commit, or by the database when a process dies mid-relay)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    result = await session.exec(  # type: ignore[call-overload]
        text("SELECT pg_try_advisory_xact_lock(:key)").bindparams(key=RELAY_LOCK_KEY)
    )
    return bool(result.scalar_one())


async def events_after(
    session: AsyncSession, *, sequence: int, limit: int, operator_id: int | None = None
) -> list[OperatorEventData]:
    statement = select(OutboxEventRow).where(col(OutboxEventRow.sequence) > sequence)
    if operator_id is not None:
        statement = statement.where(OutboxEventRow.operator_id == operator_id)
    statement = statement.order_by(col(OutboxEventRow.sequence)).limit(limit)
    rows: Sequence[OutboxEventRow] = (await session.exec(statement)).all()
    return [to_event(row) for row in rows]


async def event_by_id(session: AsyncSession, event_id: str) -> OperatorEventData | None:
    statement = select(OutboxEventRow).where(col(OutboxEventRow.event_id) == event_id)
    row = (await session.exec(statement)).first()
    return to_event(row) if row is not None else None


# The last sequence committed, 0 for none; also a subquery of the webhook worker's check.
COMMITTED_UP_TO: Final = sa.select(func.coalesce(func.max(col(OutboxEventRow.sequence)), 0))


async def committed_up_to(connection: AsyncConnection) -> int:
    """The last sequence committed (0 for none): one read of the primary key's index, on a
    pooled connection with no ORM session, lock or transaction of its own."""
    return int((await connection.execute(COMMITTED_UP_TO)).scalar_one() or 0)


async def last_sequence(session: AsyncSession) -> int:
    result = await session.exec(select(func.max(OutboxEventRow.sequence)))
    return int(result.one() or 0)
