"""Reading and writing the SRI data of companies (`companies`, one row per RUC)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.companies import CleanCompanyData
from api.persistence.tables import CompanyRow


class CompanyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_ruc(self, ruc: str) -> CompanyRow | None:
        return await self.session.get(CompanyRow, ruc)

    async def by_rucs(self, rucs: Iterable[str]) -> dict[str, CompanyRow]:
        wanted = list(rucs)
        if not wanted:
            return {}
        statement = select(CompanyRow).where(col(CompanyRow.ruc).in_(wanted))
        return {row.ruc: row for row in (await self.session.exec(statement)).all()}

    async def ensure(self, ruc: str, *, at: datetime, source: str) -> None:
        """Make sure a row exists for `ruc` (the operators' foreign key), leaving an existing one
        as it is. Concurrent registrations of one company's operators both succeed."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(CompanyRow)
            .values(ruc=ruc, source=source, updated_at=at)
            .on_conflict_do_nothing(index_elements=["ruc"])
        )
        await self.session.exec(statement)

    async def write(
        self, data: CleanCompanyData, *, at: datetime, source: str, fill_only: bool
    ) -> tuple[CompanyRow | None, CompanyRow]:
        """Insert or update the row of `data.ruc` under a row lock; returns (before, after),
        `before` None for a new company. With `fill_only`, only what the row lacks is written:
        a registration does not overwrite what the SRI's registry or staff set."""
        row = await self.session.get(CompanyRow, data.ruc, with_for_update=True)
        if row is None:
            await self.ensure(data.ruc, at=at, source=source)
            row = await self.session.get(
                CompanyRow, data.ruc, with_for_update=True, populate_existing=True
            )
            assert row is not None
            before = None
        else:
            before = row.model_copy()
        values = {
            "name": data.name,
            "legal_representative_name": data.legal_representative_name,
            "legal_representative_identification": data.legal_representative_identification,
        }
        changed = False
        for key, value in values.items():
            if fill_only and (value is None or getattr(row, key) is not None):
                continue
            if getattr(row, key) != value:
                setattr(row, key, value)
                changed = True
        if changed or before is None:
            row.source = source
            row.updated_at = at
        self.session.add(row)
        await self.session.flush()
        return before, row
