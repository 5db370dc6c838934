"""Reading and writing operators. Every write goes through `record_change`, so the row, its audit
entry and its outbox event commit or roll back together."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

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


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


class OperatorRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_id(self, operator_id: int) -> OperatorRow | None:
        return await self.session.get(OperatorRow, operator_id)

    async def by_user_id(self, user_id: str) -> OperatorRow | None:
        statement = select(OperatorRow).where(
            func.lower(OperatorRow.user_id) == user_id.strip().lower()
        )
        return (await self.session.exec(statement)).first()

    async def user_id_exists(self, user_id: str) -> bool:
        return await self.by_user_id(user_id) is not None

    async def email_owner(self, email: str) -> OperatorRow | None:
        statement = select(OperatorRow).where(func.lower(OperatorRow.email) == email.lower())
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
    """Write the audit entry and the outbox event of a change, in the caller's transaction."""
    assert operator.id is not None, "flush the operator before recording its change"
    payload = [change.as_dict() for change in changes]
    session.add(
        AuditEntryRow(
            operator_id=operator.id,
            actor_kind=actor.kind,
            actor_user_id=actor.user_id,
            operation=operation,
            changes=payload,
            occurred_at=at,
        )
    )
    session.add(
        OutboxEventRow(
            event_id=str(uuid.uuid4()),
            event_type=event_type,
            operator_id=operator.id,
            user_id=operator.user_id,
            actor=actor.label,
            changes=payload,
            occurred_at=at,
        )
    )
