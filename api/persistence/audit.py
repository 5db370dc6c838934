"""Reading an operator's history (the audit trail), newest first, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.persistence.tables import AuditEntryRow


async def history_page(
    session: AsyncSession, *, operator_id: int, before_id: int | None, limit: int
) -> Sequence[AuditEntryRow]:
    """Up to `limit` entries older than `before_id` (or the newest), newest first."""
    statement = select(AuditEntryRow).where(AuditEntryRow.operator_id == operator_id)
    if before_id is not None:
        statement = statement.where(col(AuditEntryRow.id) < before_id)
    statement = statement.order_by(col(AuditEntryRow.id).desc()).limit(limit)
    return (await session.exec(statement)).all()
