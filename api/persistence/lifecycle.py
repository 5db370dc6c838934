"""Reading and writing the lifecycle tables: deregistration requests, the agreement, the yearly
update's completions and reminders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.cursors import IdRange
from api.domain.lifecycle import DeregistrationStatus
from api.persistence.tables import (
    AgreementVersionRow,
    AnnualReminderRow,
    AnnualUpdateRow,
    DeregistrationRequestRow,
)


class DeregistrationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_id(self, request_id: int) -> DeregistrationRequestRow | None:
        return await self.session.get(DeregistrationRequestRow, request_id)

    async def pending_of(self, operator_id: int) -> DeregistrationRequestRow | None:
        statement = select(DeregistrationRequestRow).where(
            DeregistrationRequestRow.operator_id == operator_id,
            DeregistrationRequestRow.status == DeregistrationStatus.PENDING.value,
        )
        return (await self.session.exec(statement)).first()

    async def latest_of(self, operator_ids: Iterable[int]) -> dict[int, DeregistrationRequestRow]:
        ids = list(operator_ids)
        if not ids:
            return {}
        statement = (
            select(DeregistrationRequestRow)
            .where(col(DeregistrationRequestRow.operator_id).in_(ids))
            .order_by(col(DeregistrationRequestRow.id))
        )
        latest: dict[int, DeregistrationRequestRow] = {}
        for row in (await self.session.exec(statement)).all():
            latest[row.operator_id] = row  # ordered by id: the last one wins
        return latest

    async def page(
        self, *, status: DeregistrationStatus | None, ids: IdRange
    ) -> Sequence[DeregistrationRequestRow]:
        """Requests whose number is within `ids`, in the order it asks (staff's queue is oldest
        first: the order requests arrived)."""
        statement = select(DeregistrationRequestRow)
        if status is not None:
            statement = statement.where(DeregistrationRequestRow.status == status.value)
        if ids.above is not None:
            statement = statement.where(col(DeregistrationRequestRow.id) > ids.above)
        if ids.below is not None:
            statement = statement.where(col(DeregistrationRequestRow.id) < ids.below)
        number = col(DeregistrationRequestRow.id)
        statement = statement.order_by(number.desc() if ids.descending else number)
        return (await self.session.exec(statement.limit(ids.limit))).all()

    async def decide(
        self,
        *,
        request_id: int,
        status: DeregistrationStatus,
        at: datetime,
        by: str | None,
        reason: str | None,
    ) -> bool:
        """Move a PENDING request to its decision; False if it was not pending any more (a second
        decision, or a race with another staff member, loses here)."""
        result = await self.session.exec(
            update(DeregistrationRequestRow)
            .where(col(DeregistrationRequestRow.id) == request_id)
            .where(col(DeregistrationRequestRow.status) == DeregistrationStatus.PENDING.value)
            .values(status=status.value, decided_at=at, decided_by=by, decision_reason=reason)
        )
        return bool(result.rowcount == 1)


class AgreementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self) -> AgreementVersionRow | None:
        statement = (
            select(AgreementVersionRow)
            .order_by(
                col(AgreementVersionRow.published_at).desc(),
                col(AgreementVersionRow.version).desc(),
            )
            .limit(1)
        )
        return (await self.session.exec(statement)).first()

    async def by_version(self, version: str) -> AgreementVersionRow | None:
        return await self.session.get(AgreementVersionRow, version)

    async def versions(self) -> Sequence[str]:
        return (await self.session.exec(select(AgreementVersionRow.version))).all()

    async def lock_for_publication(self) -> None:
        """Publications one at a time, until this transaction ends: two at once would both
        take the next version number (SQLite writes one at a time anyway)."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.exec(  # type: ignore[call-overload]
                text("SELECT pg_advisory_xact_lock(hashtext('publish-agreement'))")
            )


class AnnualUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def completions(self, operator_ids: Iterable[int]) -> dict[int, dict[int, datetime]]:
        ids = list(operator_ids)
        found: dict[int, dict[int, datetime]] = defaultdict(dict)
        if not ids:
            return found
        statement = select(AnnualUpdateRow).where(col(AnnualUpdateRow.operator_id).in_(ids))
        for row in (await self.session.exec(statement)).all():
            found[row.operator_id][row.year] = row.completed_at
        return found

    async def record_completion(self, *, operator_id: int, year: int, at: datetime) -> bool:
        exists = await self.session.exec(
            select(func.count())
            .select_from(AnnualUpdateRow)
            .where(AnnualUpdateRow.operator_id == operator_id, AnnualUpdateRow.year == year)
        )
        if exists.one():
            return False
        self.session.add(AnnualUpdateRow(operator_id=operator_id, year=year, completed_at=at))
        return True

    async def reminded(self, year: int) -> set[int]:
        statement = select(AnnualReminderRow.operator_id).where(AnnualReminderRow.year == year)
        return set((await self.session.exec(statement)).all())

    def record_reminder(self, *, operator_id: int, year: int, at: datetime) -> None:
        self.session.add(AnnualReminderRow(operator_id=operator_id, year=year, sent_at=at))
