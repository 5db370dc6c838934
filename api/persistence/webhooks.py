"""Webhooks and their deliveries in the database.

Ordering across worker processes rests on two rules kept here: a webhook is turned into
deliveries by one worker at a time (its row locked), and a delivery is sent only when it is the
oldest pending one of its operator for its webhook (the head of that queue), locked by the worker
sending it. Whoever comes second skips what is locked and never takes the next in line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import ColumnElement, and_, bindparam, delete, exists, func, or_, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.webhooks import DeliveryStatus, WebhookStatus
from api.persistence.outbox import COMMITTED_UP_TO
from api.persistence.tables import OutboxEventRow, PartnerKeyRow, WebhookDeliveryRow, WebhookRow


@dataclass(frozen=True, slots=True)
class DueDelivery:
    delivery: WebhookDeliveryRow
    webhook: WebhookRow
    event: OutboxEventRow
    scopes: str  # the key's scopes now, not when the webhook was registered


def _serving() -> ColumnElement[bool]:
    """An active webhook of a key not revoked: the only kind the worker turns events into
    deliveries for, or sends deliveries of."""
    return and_(
        col(WebhookRow.status) == WebhookStatus.ACTIVE.value,
        col(PartnerKeyRow.revoked_at).is_(None),
    )


# Whether `lock_active` and `lock_due_heads` could find anything: a webhook behind the last
# committed event, or a delivery due. A superset of what they take (the head-of-queue rule is
# theirs alone), read without locks, so that an idle worker's poll costs one statement.
_WORK_WAITING: Final = select(
    or_(
        select(col(WebhookRow.id))
        .join(PartnerKeyRow, col(PartnerKeyRow.id) == col(WebhookRow.partner_key_id))
        .where(
            _serving(),
            col(WebhookRow.cursor) < COMMITTED_UP_TO.scalar_subquery(),
        )
        .exists(),
        select(col(WebhookDeliveryRow.id))
        .join(WebhookRow, col(WebhookRow.id) == col(WebhookDeliveryRow.webhook_id))
        .join(PartnerKeyRow, col(PartnerKeyRow.id) == col(WebhookRow.partner_key_id))
        .where(
            col(WebhookDeliveryRow.status) == DeliveryStatus.PENDING.value,
            col(WebhookDeliveryRow.next_attempt_at) <= bindparam("now"),
            _serving(),
        )
        .exists(),
    )
)


async def work_waiting(connection: AsyncConnection, *, now: datetime) -> bool:
    """See `_WORK_WAITING`."""
    return bool((await connection.execute(_WORK_WAITING, {"now": now})).scalar_one())


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


class WebhookRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count_for_key(self, key_id: int) -> int:
        statement = select(func.count()).where(WebhookRow.partner_key_id == key_id)
        return int((await self.session.exec(statement)).one())

    async def for_key(self, key_id: int) -> Sequence[WebhookRow]:
        statement = (
            select(WebhookRow)
            .where(WebhookRow.partner_key_id == key_id)
            .order_by(col(WebhookRow.id))
        )
        return (await self.session.exec(statement)).all()

    async def of_key(self, webhook_id: int, key_id: int) -> WebhookRow | None:
        """The webhook if it belongs to the key; another key's is as if it did not exist."""
        statement = select(WebhookRow).where(
            WebhookRow.id == webhook_id, WebhookRow.partner_key_id == key_id
        )
        return (await self.session.exec(statement)).first()

    async def delete(self, webhook_id: int, key_id: int) -> bool:
        result = await self.session.exec(
            delete(WebhookRow).where(
                col(WebhookRow.id) == webhook_id, col(WebhookRow.partner_key_id) == key_id
            )
        )
        return bool(result.rowcount == 1)

    async def dead_letters(
        self, webhook_id: int, *, limit: int
    ) -> list[tuple[WebhookDeliveryRow, str]]:
        """The webhook's dead letters, oldest event first, each with its event's id."""
        statement = (
            select(WebhookDeliveryRow, OutboxEventRow.event_id)
            .join(
                OutboxEventRow,
                col(OutboxEventRow.sequence) == col(WebhookDeliveryRow.sequence),
            )
            .where(
                WebhookDeliveryRow.webhook_id == webhook_id,
                WebhookDeliveryRow.status == DeliveryStatus.DEAD.value,
            )
            .order_by(col(WebhookDeliveryRow.sequence))
            .limit(limit)
        )
        return [(row, event_id) for row, event_id in (await self.session.exec(statement)).all()]

    async def redeliver(self, delivery_id: int, key_id: int, *, at: datetime) -> bool:
        """A dead letter of the key's back in its operator's queue, retried afresh."""
        owned = select(WebhookRow.id).where(WebhookRow.partner_key_id == key_id)
        result = await self.session.exec(
            update(WebhookDeliveryRow)
            .where(
                col(WebhookDeliveryRow.id) == delivery_id,
                col(WebhookDeliveryRow.status) == DeliveryStatus.DEAD.value,
                col(WebhookDeliveryRow.webhook_id).in_(owned),
            )
            .values(
                status=DeliveryStatus.PENDING.value,
                attempts=0,
                first_attempt_at=None,
                next_attempt_at=at,
            )
        )
        return bool(result.rowcount == 1)

    async def delivery(self, delivery_id: int) -> tuple[WebhookDeliveryRow, str] | None:
        statement = (
            select(WebhookDeliveryRow, OutboxEventRow.event_id)
            .join(
                OutboxEventRow,
                col(OutboxEventRow.sequence) == col(WebhookDeliveryRow.sequence),
            )
            .where(WebhookDeliveryRow.id == delivery_id)
            .execution_options(populate_existing=True)
        )
        found = (await self.session.exec(statement)).first()
        return None if found is None else (found[0], found[1])

    async def delete_delivered_before(self, at: datetime) -> int:
        result = await self.session.exec(
            delete(WebhookDeliveryRow).where(
                col(WebhookDeliveryRow.status) == DeliveryStatus.DELIVERED.value,
                col(WebhookDeliveryRow.delivered_at) < at,
            )
        )
        return int(result.rowcount)

    async def lock_active(self, *, limit: int) -> Sequence[WebhookRow]:
        """Active webhooks of keys not revoked, each locked for this transaction; one another
        worker holds is skipped."""
        statement = (
            select(WebhookRow)
            .join(PartnerKeyRow, col(PartnerKeyRow.id) == col(WebhookRow.partner_key_id))
            .where(_serving())
            .order_by(col(WebhookRow.id))
            .limit(limit)
        )
        if _postgres(self.session):
            statement = statement.with_for_update(skip_locked=True, of=WebhookRow)
        return (await self.session.exec(statement)).all()

    async def lock_due_heads(self, *, now: datetime, limit: int) -> list[DueDelivery]:
        """The deliveries to send now, each the head of its operator's queue, locked."""
        earlier = aliased(WebhookDeliveryRow)
        blocked = exists().where(
            and_(
                col(earlier.webhook_id) == col(WebhookDeliveryRow.webhook_id),
                col(earlier.operator_id) == col(WebhookDeliveryRow.operator_id),
                col(earlier.status) == DeliveryStatus.PENDING.value,
                col(earlier.sequence) < col(WebhookDeliveryRow.sequence),
            )
        )
        statement = (
            select(WebhookDeliveryRow, WebhookRow, OutboxEventRow, PartnerKeyRow.scopes)
            .join(WebhookRow, col(WebhookRow.id) == col(WebhookDeliveryRow.webhook_id))
            .join(PartnerKeyRow, col(PartnerKeyRow.id) == col(WebhookRow.partner_key_id))
            .join(
                OutboxEventRow,
                col(OutboxEventRow.sequence) == col(WebhookDeliveryRow.sequence),
            )
            .where(
                WebhookDeliveryRow.status == DeliveryStatus.PENDING.value,
                col(WebhookDeliveryRow.next_attempt_at) <= now,
                _serving(),
                ~blocked,
            )
            .order_by(col(WebhookDeliveryRow.sequence))
            .limit(limit)
        )
        if _postgres(self.session):
            statement = statement.with_for_update(skip_locked=True, of=WebhookDeliveryRow)
        rows = (await self.session.exec(statement)).all()
        return [
            DueDelivery(delivery=delivery, webhook=webhook, event=event, scopes=scopes)
            for delivery, webhook, event, scopes in rows
        ]
