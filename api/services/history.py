"""An operator's change history: who changed what, when (self or staff)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api.domain.cursors import decode_cursor, encode_cursor, page_size
from api.persistence.audit import history_page
from api.persistence.operators import OperatorRepository
from api.persistence.tables import AuditEntryRow
from api.services.container import Services

_CURSOR_KIND = "audit"


@dataclass(frozen=True, slots=True)
class HistoryPage:
    entries: Sequence[AuditEntryRow]
    has_next_page: bool


def entry_cursor(entry_id: int) -> str:
    return encode_cursor(_CURSOR_KIND, entry_id)


async def operator_history(
    services: Services, *, user_id: str, first: int, after: str | None
) -> HistoryPage | None:
    """None when the user does not exist."""
    limit = page_size(first)
    before_id = decode_cursor(_CURSOR_KIND, after) if after else None
    async with services.reading() as session:
        operator = await OperatorRepository(session).by_user_id(user_id)
        if operator is None or operator.id is None:
            return None
        rows = await history_page(
            session, operator_id=operator.id, before_id=before_id, limit=limit + 1
        )
    return HistoryPage(entries=rows[:limit], has_next_page=len(rows) > limit)
