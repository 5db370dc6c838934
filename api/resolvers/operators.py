"""Reading operators: `me`, `operator(userId)` and `operatorHistory`."""

from __future__ import annotations

from api.clock import as_utc
from api.domain.errors import DomainError, ErrorCode
from api.persistence.operators import OperatorRepository
from api.persistence.tables import AuditEntryRow
from api.resolvers.agreement_signers import agreement_signer
from api.resolvers.context import Info
from api.resolvers.errors import as_graphql_error
from api.resolvers.mapping import PageArguments, page_info, to_operator
from api.resolvers.node_ids import HISTORY_NODE, node_id
from api.schema.history import (
    ChangeActor,
    FieldChange,
    HistoryEdge,
    HistoryEntry,
    OperatorHistoryConnection,
)
from api.schema.operator import Operator
from api.services import history


def me(info: Info) -> Operator | None:
    """The signed-in operator; null without a token, UNAUTHENTICATED with one that is not
    valid (an expired session must be told apart from never having signed in)."""
    ctx = info.context
    row = ctx.caller()
    if row is None:
        if ctx.token_rejected:
            raise as_graphql_error(DomainError.single(None, ErrorCode.UNAUTHENTICATED), ctx.locale)
        return None
    return to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale)


async def operator(info: Info, user_id: str) -> Operator | None:
    ctx = info.context
    async with ctx.services.reading() as db:
        row = await OperatorRepository(db).by_user_id(user_id)
    if row is None:
        return None
    return to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale)


def to_history_entry(row: AuditEntryRow) -> HistoryEntry:
    return HistoryEntry(
        id=node_id(HISTORY_NODE, row.id or 0),
        occurred_at=as_utc(row.occurred_at),
        actor=ChangeActor(kind=row.actor_kind, user_id=row.actor_user_id),
        operation=row.operation,
        changes=[
            FieldChange(
                field=str(change["field"]),
                old=change.get("old"),
                new=change.get("new"),
                secret=bool(change.get("secret", False)),
            )
            for change in row.changes
        ],
        signer=agreement_signer(operation=row.operation, changes=row.changes),
    )


async def operator_history(
    info: Info, user_id: str, pages: PageArguments
) -> OperatorHistoryConnection | None:
    ctx = info.context
    try:
        page = await history.operator_history(
            ctx.services,
            user_id=user_id,
            first=pages.first,
            after=pages.after,
            last=pages.last,
            before=pages.before,
        )
    except DomainError as refusal:
        raise as_graphql_error(refusal, ctx.locale) from None
    if page is None:
        return None
    edges = [
        HistoryEdge(cursor=history.entry_cursor(row.id or 0), node=to_history_entry(row))
        for row in page.rows
    ]
    return OperatorHistoryConnection(
        edges=edges,
        page_info=page_info(
            edges, has_previous_page=page.has_previous_page, has_next_page=page.has_next_page
        ),
    )
