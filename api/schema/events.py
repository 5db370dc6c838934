"""Partner events: every change of a registration, as it happens."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.schema.enums import OperatorEventTypeEnum
from api.schema.errors import UserError
from api.schema.history import FieldChange
from api.schema.node import Node


@strawberry.type(description="One change of an operator's registration.")
class OperatorEvent(Node):
    id: strawberry.ID = strawberry.field(
        description=(
            "Its global id (Node), unique per event: a consumer that sees an id twice has seen "
            "the same event."
        )
    )
    cursor: str = strawberry.field(
        description="Opaque and totally ordered: pass the last one received as `after` to resume."
    )
    type: OperatorEventTypeEnum = strawberry.field(description="What happened.")
    user_id: str = strawberry.field(description="Whose registration.")
    occurred_at: datetime = strawberry.field(description="When it was committed.")
    actor: str = strawberry.field(description='Who: "USER:<id>", "STAFF:<id>" or "SYSTEM".')
    changes: list[FieldChange] = strawberry.field(
        description="The fields changed, old and new (secrets only as changed)."
    )


@strawberry.type(description="A partner system's API key (the key itself is shown only once).")
class PartnerKey(Node):
    id: strawberry.ID = strawberry.field(
        description="Its global id (Node): opaque and stable; the `id` of `revokePartnerKey`."
    )
    name: str = strawberry.field(description="The partner.")
    key_prefix: str = strawberry.field(
        description="The first characters of the key, to recognise it."
    )
    scopes: list[str] = strawberry.field(description='What it may do, e.g. "events:read".')
    created_at: datetime = strawberry.field(description="When it was issued.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if it was.")


@strawberry.type(description="The result of issuing a partner key.")
class CreatePartnerKeyPayload:
    key: str | None = strawberry.field(
        default=None, description="The key: store it now, it is never shown again."
    )
    partner_key: PartnerKey | None = strawberry.field(default=None, description="Its record.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was refused."
    )


@strawberry.type(description="The result of revoking a partner key.")
class RevokePartnerKeyPayload:
    partner_key: PartnerKey | None = strawberry.field(default=None, description="Its record.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was refused."
    )
