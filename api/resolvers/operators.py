"""Reading operators: `me` and `operator(userId)`."""

from __future__ import annotations

from api.clock import as_utc
from api.domain.errors import DomainError, ErrorCode
from api.persistence.operators import OperatorRepository
from api.persistence.tables import AuditEntryRow
from api.resolvers.agreement_signers import agreement_signer
from api.resolvers.context import Info
from api.resolvers.errors import as_graphql_error
from api.resolvers.mapping import operator_of_node_id, page_info, to_operator
from api.schema.history import (
    ChangeActor,
    FieldChange,
    HistoryEdge,
    HistoryEntry,
    OperatorHistoryConnection,
)
from api.schema.node import Node
from api.schema.operator import Operator
from api.services import history


async def me(info: Info) -> Operator | None:
    """The signed-in operator; null without a token, UNAUTHENTICATED with one that is not
    valid (an expired session must be told apart from never having signed in)."""
    ctx = info.context
    row = await ctx.caller()
    if row is None:
        if ctx.token_rejected:
            raise as_graphql_error(DomainError.single(None, ErrorCode.UNAUTHENTICATED), ctx.locale)
        return None
    return to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale)


async def node(info: Info, node_id: str) -> Operator | None:
    """`node(id:)`: the entity of a global id, with the authorization of its own query (for an
    operator: yourself, or anyone for customs staff); null for an id that names nothing."""
    user_id = operator_of_node_id(node_id)
    if user_id is None:
        return None
    ctx = info.context
    ctx.require_credentials()
    if ctx.session is None and ctx.partner is None:
        raise as_graphql_error(DomainError.single(None, ErrorCode.UNAUTHENTICATED), ctx.locale)
    if not ctx.may_read_operator(user_id):
        raise as_graphql_error(DomainError.single(None, ErrorCode.FORBIDDEN), ctx.locale)
    return await operator(info, user_id)


MAX_NODES = 100


async def nodes(info: Info, node_ids: list[str]) -> list[Node | None]:
    if len(node_ids) > MAX_NODES:
        refusal = DomainError.single(
            "ids", ErrorCode.INVALID_FORMAT, expected=f"a lo sumo {MAX_NODES} ids"
        )
        raise as_graphql_error(refusal, info.context.locale)
    return [await node(info, node_id) for node_id in node_ids]


async def operator(info: Info, user_id: str) -> Operator | None:
    ctx = info.context
    async with ctx.services.reading() as db:
        row = await OperatorRepository(db).by_user_id(user_id)
    if row is None:
        return None
    return to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale)


def _history_entry(row: AuditEntryRow) -> HistoryEntry:
    return HistoryEntry(
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
    info: Info, user_id: str, first: int, after: str | None
) -> OperatorHistoryConnection | None:
    ctx = info.context
    try:
        page = await history.operator_history(
            ctx.services, user_id=user_id, first=first, after=after
        )
    except DomainError as refusal:
        raise as_graphql_error(refusal, ctx.locale) from None
    if page is None:
        return None
    edges = [
        HistoryEdge(cursor=history.entry_cursor(row.id or 0), node=_history_entry(row))
        for row in page.entries
    ]
    return OperatorHistoryConnection(
        edges=edges,
        page_info=page_info(edges, has_next_page=page.has_next_page, after=after),
    )
