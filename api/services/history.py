"""An operator's change history: who changed what, when (self or staff)."""

from __future__ import annotations

from api.domain.cursors import IdRange, encode_cursor, page_request
from api.persistence.audit import entry_with_owner, history_rows
from api.persistence.operators import OperatorRepository
from api.persistence.tables import AuditEntryRow
from api.services.container import Services
from api.services.paging import Page, read_page

_CURSOR_KIND = "audit"


def entry_cursor(entry_id: int) -> str:
    return encode_cursor(_CURSOR_KIND, entry_id)


async def operator_history(
    services: Services,
    *,
    user_id: str,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[AuditEntryRow] | None:
    """A page of the history, newest first; None when the user does not exist."""
    request = page_request(_CURSOR_KIND, first=first, after=after, last=last, before=before)
    async with services.reading() as session:
        operator = await OperatorRepository(session).by_user_id(user_id)
        if operator is None or operator.id is None:
            return None
        operator_id = operator.id

        async def fetch(ids: IdRange) -> list[AuditEntryRow]:
            return list(await history_rows(session, operator_id=operator_id, ids=ids))

        return await read_page(fetch, request, newest_first=True)


async def history_entry(services: Services, entry_id: int) -> tuple[AuditEntryRow, str] | None:
    """One entry with the user ID whose history it belongs to (to decide who may read it)."""
    async with services.reading() as session:
        return await entry_with_owner(session, entry_id)
