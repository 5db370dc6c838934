"""Reading an operator's history (the audit trail), newest first, a page at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.clock import as_utc
from api.domain.cursors import IdRange
from api.persistence.tables import AuditEntryRow, OperatorRow


async def history_rows(
    session: AsyncSession, *, operator_id: int, ids: IdRange
) -> Sequence[AuditEntryRow]:
    """An operator's entries whose number is within `ids`, in the order it asks."""
    statement = select(AuditEntryRow).where(AuditEntryRow.operator_id == operator_id)
    if ids.above is not None:
        statement = statement.where(col(AuditEntryRow.id) > ids.above)
    if ids.below is not None:
        statement = statement.where(col(AuditEntryRow.id) < ids.below)
    order = col(AuditEntryRow.id).desc() if ids.descending else col(AuditEntryRow.id)
    return (await session.exec(statement.order_by(order).limit(ids.limit))).all()


async def entry_with_owner(
    session: AsyncSession, entry_id: int
) -> tuple[AuditEntryRow, str] | None:
    """One entry and the user ID of the operator whose history it is."""
    statement = (
        select(AuditEntryRow, OperatorRow.user_id)
        .join(OperatorRow, col(OperatorRow.id) == col(AuditEntryRow.operator_id))
        .where(col(AuditEntryRow.id) == entry_id)
    )
    found = (await session.exec(statement)).first()
    return (found[0], found[1]) if found is not None else None


async def latest_of_operation(
    session: AsyncSession, *, operator_ids: Iterable[int], operations: Iterable[str]
) -> dict[int, datetime]:
    """When each of the operators' histories last recorded one of `operations` (only those that
    did)."""
    ids = list(operator_ids)
    if not ids:
        return {}
    statement = (
        select(col(AuditEntryRow.operator_id), func.max(col(AuditEntryRow.occurred_at)))
        .where(
            col(AuditEntryRow.operator_id).in_(ids),
            col(AuditEntryRow.operation).in_(list(operations)),
        )
        .group_by(col(AuditEntryRow.operator_id))
    )
    return {operator_id: as_utc(at) for operator_id, at in (await session.exec(statement)).all()}
