"""Reading and writing operators. Every write goes through `record_change`, so the row, its audit
entry and its outbox event commit or roll back together."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.changes import Change
from api.domain.errors import DomainError, ErrorCode
from api.persistence.tables import AuditEntryRow, OperatorRow, OutboxEventRow


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change, as the audit trail and the events show it."""

    kind: str  # USER, STAFF or SYSTEM
    user_id: str | None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.user_id}" if self.user_id else self.kind


SYSTEM = Actor(kind="SYSTEM", user_id=None)


class OperatorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_id(self, operator_id: int) -> OperatorRow | None:
        return await self.session.get(OperatorRow, operator_id)

    async def by_ids(self, operator_ids: Iterable[int]) -> dict[int, OperatorRow]:
        ids = list(operator_ids)
        if not ids:
            return {}
        statement = select(OperatorRow).where(col(OperatorRow.id).in_(ids))
        return {row.id: row for row in (await self.session.exec(statement)).all() if row.id}

    async def by_id_fresh(self, operator_id: int) -> OperatorRow | None:
        """Read the row again from the database, not from the session's identity map."""
        return await self.session.get(OperatorRow, operator_id, populate_existing=True)

    async def lock(self, operator_id: int) -> OperatorRow | None:
        """Read the row again under a row lock (`FOR UPDATE`), held until the transaction ends:
        writers that decide from its current state take turns."""
        return await self.session.get(
            OperatorRow, operator_id, with_for_update=True, populate_existing=True
        )

    async def by_user_id(self, user_id: str) -> OperatorRow | None:
        statement = select(OperatorRow).where(
            func.lower(OperatorRow.user_id) == user_id.strip().lower()
        )
        return (await self.session.exec(statement)).first()

    async def user_id_exists(self, user_id: str) -> bool:
        return await self.by_user_id(user_id) is not None

    async def email_owner(self, email: str) -> OperatorRow | None:
        """Who holds the address: a deregistered operator holds none any more."""
        statement = select(OperatorRow).where(
            func.lower(OperatorRow.email) == email.lower(),
            col(OperatorRow.deregistered_at).is_(None),
        )
        return (await self.session.exec(statement)).first()

    def add(self, row: OperatorRow) -> None:
        self.session.add(row)

    async def flush_unique(self) -> None:
        """Flush, turning a unique-index violation into the refusal a user can act on."""
        try:
            await self.session.flush()
        except IntegrityError as error:
            message = str(error.orig).lower()
            if "email" in message:
                raise DomainError.single("email", ErrorCode.EMAIL_TAKEN) from error
            if "user_id" in message:
                raise DomainError.single("userId", ErrorCode.USER_ID_TAKEN) from error
            raise


def add_audit_entry(
    session: AsyncSession,
    *,
    operator: OperatorRow,
    actor: Actor,
    operation: str,
    changes: Sequence[Change],
    at: datetime,
) -> None:
    """One line of the operator's history, in the caller's transaction."""
    assert operator.id is not None, "flush the operator before recording its change"
    session.add(
        AuditEntryRow(
            operator_id=operator.id,
            actor_kind=actor.kind,
            actor_user_id=actor.user_id,
            operation=operation,
            changes=[change.as_dict() for change in changes],
            occurred_at=at,
        )
    )


# Outbox rows must become visible in `sequence` order, or a relay that has published up to N
# could later find N-1 commit behind it and skip it. PostgreSQL hands out sequence numbers before
# commit, so each transaction takes this lock just before inserting its events and holds it until
# it commits: event writers commit one after another, in the order of their numbers. The lock is
# held only for the insert and the commit. (SQLite serialises all writers anyway.)
OUTBOX_LOCK_KEY = 0x45_43_55_41  # "ECUA"


async def lock_outbox(session: AsyncSession) -> None:
    if session.get_bind().dialect.name == "postgresql":
        await session.exec(  # type: ignore[call-overload]
            text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=OUTBOX_LOCK_KEY)
        )


async def add_event(
    session: AsyncSession,
    *,
    operator: OperatorRow,
    actor: Actor,
    event_type: str,
    changes: Sequence[Change],
    at: datetime,
) -> None:
    """An outbox event, in the caller's transaction: it commits (or not) with the change."""
    assert operator.id is not None, "flush the operator before recording its change"
    await lock_outbox(session)
    session.add(
        OutboxEventRow(
            event_id=str(uuid.uuid4()),
            event_type=event_type,
            operator_id=operator.id,
            user_id=operator.user_id,
            actor=actor.label,
            changes=[change.as_dict() for change in changes],
            occurred_at=at,
        )
    )


async def record_change(
    session: AsyncSession,
    *,
    operator: OperatorRow,
    actor: Actor,
    operation: str,
    event_type: str,
    changes: Sequence[Change],
    at: datetime,
) -> None:
    """The audit entry and the single event of a simple change."""
    add_audit_entry(
        session, operator=operator, actor=actor, operation=operation, changes=changes, at=at
    )
    await add_event(
        session, operator=operator, actor=actor, event_type=event_type, changes=changes, at=at
    )
