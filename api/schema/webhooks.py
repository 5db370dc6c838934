"""Partner webhooks: the events of `operatorEvents`, pushed to a partner's HTTPS endpoint."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.schema.enums import OperatorEventTypeEnum
from api.schema.errors import UserError
from api.schema.node import Node
from api.schema.webhook_enums import WebhookDeliveryStatusEnum, WebhookStatusEnum


@strawberry.input(description="A webhook to register for the calling partner key.")
class RegisterWebhookInput:
    url: str = strawberry.field(
        description=(
            "Where deliveries are POSTed: https:// to a public address (loopback, private and "
            "link-local addresses are refused, at registration and at every delivery)."
        )
    )
    event_types: list[OperatorEventTypeEnum] | None = strawberry.field(
        default=None, description="Only these types (null: every type)."
    )
    subscription: str | None = strawberry.field(
        default=None,
        description=(
            "The payload's shape, as a GraphQL document `subscription { operatorEvents { … } }` "
            "(no arguments, no variables), validated against the schema now and executed on "
            "each event: the delivery's `data` is its result. Null: every field of the event. "
            "Values of the changed fields follow the key's scopes, as in `operatorEvents`."
        ),
    )


@strawberry.type(description="A partner key's webhook (its signing secret is shown only once).")
class Webhook(Node):
    id: strawberry.ID = strawberry.field(
        description="Its global id (Node): opaque and stable; the `id` to pause, resume or delete it."
    )
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    event_types: list[OperatorEventTypeEnum] | None = strawberry.field(
        description="The types delivered (null: every type)."
    )
    subscription: str | None = strawberry.field(
        description="The payload's document (null: every field of the event)."
    )
    status: WebhookStatusEnum = strawberry.field(description="Delivered or paused.")
    created_at: datetime = strawberry.field(
        description="When it was registered: events committed since are delivered."
    )


@strawberry.type(description="One event's delivery to a webhook.")
class WebhookDelivery(Node):
    id: strawberry.ID = strawberry.field(
        description="Its global id (Node): opaque and stable; the `id` to redeliver it."
    )
    event_id: str = strawberry.field(
        description="The `webhook-id` header of every attempt: the event's id, the same on retries."
    )
    cursor: str = strawberry.field(description="The event's `cursor`, as in `operatorEvents`.")
    status: WebhookDeliveryStatusEnum = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="How many times it was sent.")
    first_attempt_at: datetime | None = strawberry.field(description="Its first attempt.")
    last_attempt_at: datetime | None = strawberry.field(description="Its last attempt.")
    last_status_code: int | None = strawberry.field(
        description="The HTTP status of the last answer (null: no answer)."
    )
    last_error: str | None = strawberry.field(
        description='Why the last attempt failed ("HTTP 500", "ConnectTimeout", "refused: …").'
    )


@strawberry.type(description="The result of registering a webhook.")
class RegisterWebhookPayload:
    webhook: Webhook | None = strawberry.field(default=None, description="Its record.")
    secret: str | None = strawberry.field(
        default=None,
        description=(
            "The signing secret (Standard Webhooks, `whsec_…`): store it now, it is never shown "
            "again. Verify each delivery's `webhook-signature` with it."
        ),
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was refused."
    )


@strawberry.type(description="The result of pausing, resuming or deleting a webhook.")
class WebhookPayload:
    webhook: Webhook | None = strawberry.field(default=None, description="Its record.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was refused."
    )


@strawberry.type(description="The result of redelivering a dead letter.")
class RedeliverWebhookDeliveryPayload:
    delivery: WebhookDelivery | None = strawberry.field(
        default=None, description="The delivery, pending again."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was refused."
    )
