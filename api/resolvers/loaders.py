"""DataLoaders, made per request: a list of operators costs one query per kind of detail, not
one per operator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from strawberry.dataloader import DataLoader

from api.persistence.audit import latest_of_operation
from api.persistence.lifecycle import (
    AgreementRepository,
    AnnualUpdateRepository,
    DeregistrationRepository,
)
from api.persistence.tables import DeregistrationRequestRow
from api.services.annual_update import GRACE_OPERATIONS
from api.services.container import Services


class Loaders:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.completions = DataLoader[int, dict[int, datetime]](load_fn=self._completions)
        self.grace_start = DataLoader[int, datetime | None](load_fn=self._grace_start)
        self.latest_deregistration = DataLoader[int, DeregistrationRequestRow | None](
            load_fn=self._latest_deregistration
        )
        self._agreement_version: list[str | None] = []

    async def _completions(self, operator_ids: Sequence[int]) -> list[dict[int, datetime]]:
        async with self.services.reading() as session:
            found = await AnnualUpdateRepository(session).completions(operator_ids)
        return [dict(found.get(i, {})) for i in operator_ids]

    async def _grace_start(self, operator_ids: Sequence[int]) -> list[datetime | None]:
        async with self.services.reading() as session:
            found = await latest_of_operation(
                session, operator_ids=operator_ids, operations=GRACE_OPERATIONS
            )
        return [found.get(i) for i in operator_ids]

    async def _latest_deregistration(
        self, operator_ids: Sequence[int]
    ) -> list[DeregistrationRequestRow | None]:
        async with self.services.reading() as session:
            found = await DeregistrationRepository(session).latest_of(operator_ids)
        return [found.get(i) for i in operator_ids]

    async def current_agreement_version(self) -> str | None:
        if not self._agreement_version:
            async with self.services.reading() as session:
                current = await AgreementRepository(session).current()
            self._agreement_version.append(current.version if current else None)
        return self._agreement_version[0]
