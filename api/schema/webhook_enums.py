"""The states of webhooks and of their deliveries, as the schema names them."""

from __future__ import annotations

from api.domain.webhooks import DeliveryStatus, WebhookStatus
from api.schema.enums import mirror

WebhookStatusEnum = mirror(
    WebhookStatus,
    name="WebhookStatus",
    description="Whether a webhook is being delivered.",
    values={
        "ACTIVE": "Events are delivered as they are committed.",
        "PAUSED": "Nothing is sent; on resume every event since is delivered, in order.",
    },
)

WebhookDeliveryStatusEnum = mirror(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="Where one delivery stands.",
    values={
        "PENDING": "Not yet answered with a 2xx: being sent or waiting for its next retry.",
        "DELIVERED": "The endpoint answered 2xx.",
        "DEAD": (
            "Every retry within the retry window failed: a dead letter, redelivered only by "
            "`redeliverWebhookDelivery`. It no longer holds back the operator's later events."
        ),
    },
)
