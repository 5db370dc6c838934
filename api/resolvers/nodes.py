"""`node(id:)` and `nodes(ids:)`: any entity by its global id, with the authorization of the
entity's own query. What the caller may not see answers null exactly like an id that names
nothing, so that ids cannot be used to learn what exists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from api.domain.cursors import MAX_ID, parse_id
from api.domain.errors import DomainError, ErrorCode
from api.domain.partners import Scope
from api.persistence.operators import OperatorRepository
from api.resolvers.context import Info
from api.resolvers.errors import as_graphql_error
from api.resolvers.events import to_event, to_partner_key
from api.resolvers.lifecycle import to_agreement
from api.resolvers.mapping import to_operator
from api.resolvers.node_ids import (
    AGREEMENT_NODE,
    DEREGISTRATION_NODE,
    EVENT_NODE,
    HISTORY_NODE,
    OPERATOR_NODE,
    PARTNER_KEY_NODE,
    WEBHOOK_DELIVERY_NODE,
    WEBHOOK_NODE,
    key_of_node_id,
    type_of_node_id,
)
from api.resolvers.operator_fields import to_request
from api.resolvers.operators import operator, to_history_entry
from api.resolvers.webhooks import delivery_node, webhook_node
from api.schema.node import Node
from api.services import agreement, deregistration, events, history, partner_keys

MAX_NODES: Final = 100


def _number(key: str) -> int | None:
    try:
        return parse_id(key, field="id", maximum=MAX_ID)
    except DomainError:
        return None


async def _operator(info: Info, user_id: str) -> Node | None:
    # As `operator(userId:)`: the operator itself, or customs staff.
    if not info.context.may_read_operator(user_id):
        return None
    return await operator(info, user_id)


async def _deregistration_request(info: Info, key: str) -> Node | None:
    # As `me { deregistrationRequest }` (the operator's own) and staff's queue (any, with the
    # requesting operator).
    ctx = info.context
    number = _number(key)
    if ctx.session is None or number is None:
        return None
    row = await deregistration.request_of(ctx.services, number)
    if row is None:
        return None
    if ctx.is_staff:
        async with ctx.services.reading() as db:
            requester = await OperatorRepository(db).by_id(row.operator_id)
        shape = (
            to_operator(requester, catalogs=ctx.services.catalogs, locale=ctx.locale)
            if requester is not None
            else None
        )
        return to_request(row, shape)
    return to_request(row) if row.operator_id == ctx.session.operator_id else None


async def _event(info: Info, event_id: str) -> Node | None:
    # As `operatorEvents`: a partner key with events:read sees every operator's events (values
    # only with events:read:pii); a signed-in user its own, values included.
    ctx = info.context
    partner = ctx.partner
    if partner is not None:
        if Scope.EVENTS_READ not in partner.scopes:
            return None
    elif ctx.session is None:
        return None
    found = await events.event(ctx.services, event_id)
    if found is None:
        return None
    if partner is not None:
        return to_event(found, with_values=Scope.EVENTS_READ_PII in partner.scopes)
    assert ctx.session is not None
    if found.operator_id != ctx.session.operator_id:
        return None
    return to_event(found, with_values=True)


async def _history_entry(info: Info, key: str) -> Node | None:
    # As `operatorHistory(userId:)`: the operator itself, or customs staff.
    ctx = info.context
    number = _number(key)
    if ctx.session is None or number is None:
        return None
    found = await history.history_entry(ctx.services, number)
    if found is None:
        return None
    row, owner = found
    return to_history_entry(row) if ctx.may_read_operator(owner) else None


async def _partner_key(info: Info, key: str) -> Node | None:
    # As `partnerKeys` (customs staff), and a partner's own key to the partner itself.
    ctx = info.context
    number = _number(key)
    if number is None:
        return None
    if not ctx.is_staff and (ctx.partner is None or ctx.partner.key_id != number):
        return None
    row = await partner_keys.partner_key(ctx.services, number)
    return to_partner_key(row) if row is not None else None


async def _agreement(info: Info, version: str) -> Node | None:
    # As `electronicChannelsAgreement`: published texts are public, every version of them.
    row = await agreement.agreement_version(info.context.services, version)
    return to_agreement(row) if row is not None else None


async def _webhook(info: Info, key: str) -> Node | None:
    # As `webhooks`: the owning partner key's own, with scope webhooks.
    number = _number(key)
    return await webhook_node(info, number) if number is not None else None


async def _webhook_delivery(info: Info, key: str) -> Node | None:
    # As `webhookDeadLetters`: a delivery of one of the key's own webhooks.
    number = _number(key)
    return await delivery_node(info, number) if number is not None else None


_RESOLVERS: Final[dict[str, Callable[[Info, str], Awaitable[Node | None]]]] = {
    OPERATOR_NODE: _operator,
    DEREGISTRATION_NODE: _deregistration_request,
    EVENT_NODE: _event,
    HISTORY_NODE: _history_entry,
    PARTNER_KEY_NODE: _partner_key,
    AGREEMENT_NODE: _agreement,
    WEBHOOK_NODE: _webhook,
    WEBHOOK_DELIVERY_NODE: _webhook_delivery,
}


async def node(info: Info, node_id: str) -> Node | None:
    ctx = info.context
    type_name = type_of_node_id(node_id)
    resolve = _RESOLVERS.get(type_name or "")
    key = key_of_node_id(node_id, type_name or "")
    if resolve is None or key is None:
        return None
    # An expired session is told, as on `me`, so a client sends the user to sign in again
    # rather than taking null for "gone".
    ctx.require_credentials()
    if ctx.token_rejected:
        raise as_graphql_error(DomainError.single(None, ErrorCode.UNAUTHENTICATED), ctx.locale)
    return await resolve(info, key)


async def nodes(info: Info, node_ids: list[str]) -> list[Node | None]:
    if len(node_ids) > MAX_NODES:
        refusal = DomainError.single(
            "ids",
            ErrorCode.INVALID_FORMAT,
            expected=f"a lo sumo {MAX_NODES} ids",
            expected_en=f"at most {MAX_NODES} ids",
        )
        raise as_graphql_error(refusal, info.context.locale)
    return [await node(info, node_id) for node_id in node_ids]
