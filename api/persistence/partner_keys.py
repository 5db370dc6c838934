"""Partner keys in the database (only their hashes)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.persistence.tables import PartnerKeyRow


class PartnerKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active_by_hash(self, key_hash: str) -> PartnerKeyRow | None:
        statement = select(PartnerKeyRow).where(
            PartnerKeyRow.key_hash == key_hash, col(PartnerKeyRow.revoked_at).is_(None)
        )
        return (await self.session.exec(statement)).first()

    async def is_active(self, key_id: int) -> bool:
        row = await self.session.get(PartnerKeyRow, key_id, populate_existing=True)
        return row is not None and row.revoked_at is None

    async def by_id(self, key_id: int) -> PartnerKeyRow | None:
        return await self.session.get(PartnerKeyRow, key_id)

    async def all(self) -> Sequence[PartnerKeyRow]:
        return (
            await self.session.exec(select(PartnerKeyRow).order_by(col(PartnerKeyRow.id)))
        ).all()

    async def revoke(self, key_id: int, *, at: datetime) -> bool:
        result = await self.session.exec(
            update(PartnerKeyRow)
            .where(col(PartnerKeyRow.id) == key_id, col(PartnerKeyRow.revoked_at).is_(None))
            .values(revoked_at=at)
        )
        return bool(result.rowcount == 1)
