"""`operatorEvents`: replay after a cursor, then live; and staff's management of partner keys."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator

from graphql import GraphQLError

from api.clock import as_utc
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.events import EventFilter, OperatorEventData, event_cursor, sequence_of
from api.domain.messages import error_message
from api.domain.partners import Scope, sees_changed_values
from api.persistence.tables import PartnerKeyRow
from api.resolvers.context import Context, Info
from api.resolvers.errors import REFUSALS, user_errors
from api.resolvers.node_ids import EVENT_NODE, PARTNER_KEY_NODE, node_id, number_of_node_id
from api.schema.enums import OperatorEventTypeEnum
from api.schema.events import (
    CreatePartnerKeyPayload,
    OperatorEvent,
    PartnerKey,
    RevokePartnerKeyPayload,
)
from api.schema.history import FieldChange
from api.services import partner_keys
from api.services.auth import still_signed_in
from api.services.events import (
    StreamUnavailable,
    SubscriberOverflow,
    TooManySubscriptions,
    current_sequence,
    replay,
)

# How often a live subscription re-checks that its key or session is still valid: a revoked key
# or a signed-out user stops receiving events within this many seconds.
CREDENTIAL_CHECK_SECONDS = 2.0


def to_event(event: OperatorEventData, *, with_values: bool) -> OperatorEvent:
    """`with_values`: the changed values too, for the operator itself and for partner keys with
    the personal-data scope; otherwise the names of the fields that changed."""
    return OperatorEvent(
        id=node_id(EVENT_NODE, event.event_id),
        cursor=event.cursor,
        type=OperatorEventTypeEnum[event.event_type],
        user_id=event.user_id,
        occurred_at=event.occurred_at,
        actor=event.actor,
        changes=[
            FieldChange(
                field=str(c["field"]),
                old=c.get("old") if with_values else None,
                new=c.get("new") if with_values else None,
                secret=bool(c.get("secret", False)),
            )
            for c in event.changes
        ],
    )


def _error(ctx: Context, code: ErrorCode, **params: object) -> GraphQLError:
    return GraphQLError(
        error_message(FieldError(None, code, params), ctx.locale),
        extensions={"code": code.value, **{k: v for k, v in params.items() if isinstance(v, str)}},
    )


def _filter(ctx: Context, types: list[OperatorEventTypeEnum] | None) -> EventFilter:
    if ctx.credentials_unavailable:
        raise _error(ctx, ErrorCode.SERVICE_UNAVAILABLE)
    wanted = frozenset(t.value for t in types) if types else None
    if ctx.partner is not None:
        if Scope.EVENTS_READ not in ctx.partner.scopes:
            raise _error(ctx, ErrorCode.FORBIDDEN)
        return EventFilter(operator_id=None, types=wanted)
    if ctx.session is not None:
        return EventFilter(operator_id=ctx.session.operator_id, types=wanted)
    raise _error(ctx, ErrorCode.UNAUTHENTICATED)


def _owner(ctx: Context) -> str:
    if ctx.partner is not None:
        return f"partner:{ctx.partner.key_id}"
    assert ctx.session is not None, "checked by _filter"
    return f"operator:{ctx.session.operator_id}"


async def _still_allowed(ctx: Context) -> bool:
    if ctx.partner is not None:
        return await partner_keys.still_active(ctx.services, ctx.partner.key_id)
    return ctx.session is not None and await still_signed_in(ctx.services, ctx.session)


async def operator_events(
    info: Info, after: str | None, types: list[OperatorEventTypeEnum] | None
) -> AsyncGenerator[OperatorEvent, None]:
    ctx = info.context
    event_filter = _filter(ctx, types)
    with_values = ctx.partner is None or sees_changed_values(ctx.partner.scopes)
    try:
        last = sequence_of(after) if after else None
    except DomainError as refusal:
        raise GraphQLError(
            error_message(refusal.errors[0], ctx.locale),
            extensions={"code": refusal.errors[0].code.value, "field": "after"},
        ) from None
    assert ctx.hub is not None, "the hub runs in every API process"
    # Join the live feed before replaying, so nothing committed meanwhile falls between the two.
    try:
        subscriber = ctx.hub.subscribe(event_filter, owner=_owner(ctx))
    except TooManySubscriptions:
        limit = ctx.services.settings.max_subscriptions_per_caller
        raise _error(ctx, ErrorCode.TOO_MANY_SUBSCRIPTIONS, limit=limit) from None
    try:
        if last is None:
            # "Live only" means committed after this moment, whenever the relay gets to it.
            last = await current_sequence(ctx.services)
        else:
            async for event in replay(ctx.services, after_sequence=last, event_filter=event_filter):
                last = event.sequence
                yield to_event(event, with_values=with_values)
        checked = time.monotonic()
        while True:
            try:
                item = await asyncio.wait_for(
                    subscriber.queue.get(), timeout=CREDENTIAL_CHECK_SECONDS
                )
            except TimeoutError:
                item = None
            if time.monotonic() - checked >= CREDENTIAL_CHECK_SECONDS:
                if not await _still_allowed(ctx):
                    raise _error(ctx, ErrorCode.UNAUTHENTICATED)
                checked = time.monotonic()
            if item is None:
                continue
            resume = event_cursor(last)
            if isinstance(item, SubscriberOverflow):
                raise _error(ctx, ErrorCode.SUBSCRIBER_TOO_SLOW, cursor=resume)
            if isinstance(item, StreamUnavailable):
                raise _error(ctx, ErrorCode.SERVICE_UNAVAILABLE, cursor=resume)
            if not isinstance(item, OperatorEventData):
                continue
            if item.sequence <= last:
                continue  # already given by the replay
            last = item.sequence
            yield to_event(item, with_values=with_values)
    finally:
        ctx.hub.unsubscribe(subscriber)


def to_partner_key(row: PartnerKeyRow) -> PartnerKey:
    return PartnerKey(
        id=node_id(PARTNER_KEY_NODE, row.id or 0),
        name=row.name,
        key_prefix=row.key_prefix,
        scopes=row.scopes.split(","),
        created_at=as_utc(row.created_at),
        revoked_at=as_utc(row.revoked_at) if row.revoked_at else None,
    )


async def list_partner_keys(info: Info) -> list[PartnerKey]:
    return [
        to_partner_key(row) for row in await partner_keys.list_partner_keys(info.context.services)
    ]


async def create_partner_key(info: Info, name: str, scopes: list[str]) -> CreatePartnerKeyPayload:
    ctx = info.context
    try:
        issued = await partner_keys.create_partner_key(
            ctx.services,
            name=name,
            scopes=scopes,
            created_by=ctx.session.user_id if ctx.session else None,
        )
    except REFUSALS as refusal:
        return CreatePartnerKeyPayload(errors=user_errors(refusal, ctx.locale))
    return CreatePartnerKeyPayload(key=issued.key, partner_key=to_partner_key(issued.row))


async def revoke_partner_key(info: Info, key_id: str) -> RevokePartnerKeyPayload:
    ctx = info.context
    try:
        number = number_of_node_id(key_id, PARTNER_KEY_NODE, field="id")
        await partner_keys.revoke_partner_key(ctx.services, key_id=number)
        rows = {row.id: row for row in await partner_keys.list_partner_keys(ctx.services)}
    except REFUSALS as refusal:
        return RevokePartnerKeyPayload(errors=user_errors(refusal, ctx.locale))
    return RevokePartnerKeyPayload(partner_key=to_partner_key(rows[number]))
