"""A partner key's webhooks: register, list, pause, resume, delete; its dead letters."""

from __future__ import annotations

from api.clock import as_utc
from api.domain.events import event_cursor
from api.domain.partners import Scope
from api.domain.webhooks import WebhookStatus
from api.persistence.tables import WebhookDeliveryRow, WebhookRow
from api.resolvers.context import Info
from api.resolvers.errors import REFUSALS, user_errors
from api.resolvers.node_ids import (
    WEBHOOK_DELIVERY_NODE,
    WEBHOOK_NODE,
    node_id,
    number_of_node_id,
)
from api.resolvers.webhook_payloads import check_document
from api.schema.enums import OperatorEventTypeEnum
from api.schema.webhook_enums import WebhookDeliveryStatusEnum, WebhookStatusEnum
from api.schema.webhooks import (
    RedeliverWebhookDeliveryPayload,
    RegisterWebhookInput,
    RegisterWebhookPayload,
    Webhook,
    WebhookDelivery,
    WebhookPayload,
)
from api.services import webhooks


def _key_id(info: Info) -> int:
    partner = info.context.partner
    assert partner is not None, "checked by IsPartnerWith"
    return partner.key_id


def to_webhook(row: WebhookRow) -> Webhook:
    types = row.event_types.split(",") if row.event_types else None
    return Webhook(
        id=node_id(WEBHOOK_NODE, row.id or 0),
        url=row.url,
        event_types=[OperatorEventTypeEnum[name] for name in types] if types else None,
        subscription=row.document,
        status=WebhookStatusEnum[row.status],
        created_at=as_utc(row.created_at),
    )


def to_delivery(row: WebhookDeliveryRow, *, event_id: str) -> WebhookDelivery:
    return WebhookDelivery(
        id=node_id(WEBHOOK_DELIVERY_NODE, row.id or 0),
        event_id=event_id,
        cursor=event_cursor(row.sequence),
        status=WebhookDeliveryStatusEnum[row.status],
        attempts=row.attempts,
        first_attempt_at=as_utc(row.first_attempt_at) if row.first_attempt_at else None,
        last_attempt_at=as_utc(row.last_attempt_at) if row.last_attempt_at else None,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
    )


async def register_webhook(info: Info, data: RegisterWebhookInput) -> RegisterWebhookPayload:
    ctx = info.context
    try:
        document = await check_document(data.subscription)
        registered = await webhooks.register_webhook(
            ctx.services,
            key_id=_key_id(info),
            url=data.url,
            event_types=frozenset(t.value for t in data.event_types) if data.event_types else None,
            document=document,
        )
    except REFUSALS as refusal:
        return RegisterWebhookPayload(errors=user_errors(refusal, ctx.locale))
    return RegisterWebhookPayload(webhook=to_webhook(registered.row), secret=registered.secret)


async def list_webhooks(info: Info) -> list[Webhook]:
    rows = await webhooks.list_webhooks(info.context.services, key_id=_key_id(info))
    return [to_webhook(row) for row in rows]


async def set_status(info: Info, webhook_id: str, status: WebhookStatus) -> WebhookPayload:
    ctx = info.context
    try:
        row = await webhooks.set_webhook_status(
            ctx.services,
            key_id=_key_id(info),
            webhook_id=number_of_node_id(webhook_id, WEBHOOK_NODE, field="id"),
            status=status,
        )
    except REFUSALS as refusal:
        return WebhookPayload(errors=user_errors(refusal, ctx.locale))
    return WebhookPayload(webhook=to_webhook(row))


async def delete_webhook(info: Info, webhook_id: str) -> WebhookPayload:
    ctx = info.context
    try:
        await webhooks.delete_webhook(
            ctx.services,
            key_id=_key_id(info),
            webhook_id=number_of_node_id(webhook_id, WEBHOOK_NODE, field="id"),
        )
    except REFUSALS as refusal:
        return WebhookPayload(errors=user_errors(refusal, ctx.locale))
    return WebhookPayload()


async def dead_letters(info: Info, webhook_id: str) -> list[WebhookDelivery]:
    ctx = info.context
    try:
        number = number_of_node_id(webhook_id, WEBHOOK_NODE, field="webhookId")
    except REFUSALS:
        return []
    rows = await webhooks.dead_letters(ctx.services, key_id=_key_id(info), webhook_id=number)
    return [to_delivery(row, event_id=event_id) for row, event_id in rows]


async def redeliver(info: Info, delivery_id: str) -> RedeliverWebhookDeliveryPayload:
    ctx = info.context
    try:
        row, event_id = await webhooks.redeliver(
            ctx.services,
            key_id=_key_id(info),
            delivery_id=number_of_node_id(delivery_id, WEBHOOK_DELIVERY_NODE, field="id"),
        )
    except REFUSALS as refusal:
        return RedeliverWebhookDeliveryPayload(errors=user_errors(refusal, ctx.locale))
    return RedeliverWebhookDeliveryPayload(delivery=to_delivery(row, event_id=event_id))


async def webhook_node(info: Info, webhook_id: int) -> Webhook | None:
    """`node(id:)` of a webhook: the owning key's only (with scope webhooks), else null."""
    key_id = _owning_key(info)
    if key_id is None:
        return None
    row = await webhooks.webhook_of_key(info.context.services, key_id=key_id, webhook_id=webhook_id)
    return to_webhook(row) if row is not None else None


async def delivery_node(info: Info, delivery_id: int) -> WebhookDelivery | None:
    key_id = _owning_key(info)
    if key_id is None:
        return None
    found = await webhooks.delivery_of_key(
        info.context.services, key_id=key_id, delivery_id=delivery_id
    )
    return to_delivery(found[0], event_id=found[1]) if found is not None else None


def _owning_key(info: Info) -> int | None:
    partner = info.context.partner
    if partner is None or Scope.WEBHOOKS not in partner.scopes:
        return None
    return partner.key_id
