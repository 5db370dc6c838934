"""A partner key's webhooks: the queries and mutations, each acting on the calling key's own."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.permission import PermissionExtension

from api.domain.partners import Scope
from api.domain.webhooks import WebhookStatus
from api.resolvers import webhooks
from api.resolvers.context import Info
from api.resolvers.permissions import HasCredentials, IsPartnerWith, PayloadPermissions
from api.schema.webhooks import (
    RedeliverWebhookDeliveryPayload,
    RegisterWebhookInput,
    RegisterWebhookPayload,
    Webhook,
    WebhookDelivery,
    WebhookPayload,
)


def _partner_only() -> list[strawberry.BasePermission]:
    return [HasCredentials(), IsPartnerWith(Scope.WEBHOOKS)]


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        description="A partner key with scope webhooks: its own webhooks (never their secrets).",
        extensions=[PermissionExtension(permissions=_partner_only(), use_directives=False)],
    )
    async def webhooks(self, info: Info) -> list[Webhook]:
        return await webhooks.list_webhooks(info)

    @strawberry.field(
        description=(
            "A partner key with scope webhooks: the dead letters of one of its webhooks, oldest "
            "event first (at most 100; redeliver them to see more). Empty for a webhook of "
            "another key."
        ),
        extensions=[PermissionExtension(permissions=_partner_only(), use_directives=False)],
    )
    async def webhook_dead_letters(
        self,
        info: Info,
        webhook_id: Annotated[
            strawberry.ID, strawberry.argument(description="The webhook's `id`.")
        ],
    ) -> list[WebhookDelivery]:
        return await webhooks.dead_letters(info, str(webhook_id))


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description=(
            "A partner key with scope webhooks registers a webhook: every event committed from "
            "now on (of the chosen types) is POSTed to `url` with the Standard Webhooks headers "
            "`webhook-id` (the event's id, the same on every retry), `webhook-timestamp` and "
            "`webhook-signature` (v1, HMAC-SHA256 with the secret in this answer, shown once). "
            "The body is `{type, timestamp, data}`, `data` being the result of `subscription`. "
            "Each operator's events arrive in order, at least once; a failure is retried with "
            "growing pauses for a bounded time, then becomes a dead letter. At most 10 per key "
            "(WEBHOOKS_PER_KEY)."
        ),
        extensions=[PayloadPermissions(_partner_only())],
    )
    async def register_webhook(
        self,
        info: Info,
        input: Annotated[RegisterWebhookInput, strawberry.argument(description="The webhook.")],
    ) -> RegisterWebhookPayload:
        return await webhooks.register_webhook(info, input)

    @strawberry.mutation(
        description="Stop sending to a webhook of this key; its events wait for `resumeWebhook`.",
        extensions=[PayloadPermissions(_partner_only())],
    )
    async def pause_webhook(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The webhook's `id`.")],
    ) -> WebhookPayload:
        return await webhooks.set_status(info, str(id), WebhookStatus.PAUSED)

    @strawberry.mutation(
        description="Send again to a paused webhook: every event since it was paused, in order.",
        extensions=[PayloadPermissions(_partner_only())],
    )
    async def resume_webhook(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The webhook's `id`.")],
    ) -> WebhookPayload:
        return await webhooks.set_status(info, str(id), WebhookStatus.ACTIVE)

    @strawberry.mutation(
        description="Delete a webhook of this key with its pending deliveries and dead letters.",
        extensions=[PayloadPermissions(_partner_only())],
    )
    async def delete_webhook(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The webhook's `id`.")],
    ) -> WebhookPayload:
        return await webhooks.delete_webhook(info, str(id))

    @strawberry.mutation(
        description=(
            "Send a dead letter again: it goes back to its operator's queue with fresh retries "
            "(the same `webhook-id`, so a receiver that did get it can tell)."
        ),
        extensions=[PayloadPermissions(_partner_only())],
    )
    async def redeliver_webhook_delivery(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The delivery's `id`.")],
    ) -> RedeliverWebhookDeliveryPayload:
        return await webhooks.redeliver(info, str(id))
