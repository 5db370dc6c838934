"""The subscription partners and clients follow, and staff's partner keys."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.permission import PermissionExtension

from api.resolvers import events
from api.resolvers.context import Info
from api.resolvers.permissions import HasCredentials, IsStaff, PayloadPermissions
from api.schema.enums import OperatorEventTypeEnum
from api.schema.events import (
    CreatePartnerKeyPayload,
    OperatorEvent,
    PartnerKey,
    RevokePartnerKeyPayload,
)


@strawberry.type(description="Live feeds, over WebSocket (graphql-transport-ws or graphql-ws).")
class Subscription:
    @strawberry.subscription(
        description=(
            "Every change of a registration as it happens. A partner key with scope events:read "
            "sees every operator's events (which fields changed; their values only with scope "
            "events:read:pii); a signed-in user sees its own, values included. With `after`, everything "
            "after that cursor is replayed in order first, then live events follow with no gap and "
            "no duplicate; without it, only live events. A subscriber that falls too far behind, or "
            "loses the event stream, receives an error naming the cursor to resume from."
        )
    )
    async def operator_events(
        self,
        info: Info,
        after: Annotated[
            str | None, strawberry.argument(description="The `cursor` of the last event received.")
        ] = None,
        types: Annotated[
            list[OperatorEventTypeEnum] | None, strawberry.argument(description="Only these types.")
        ] = None,
    ) -> AsyncGenerator[OperatorEvent, None]:
        async for event in events.operator_events(info, after, types):
            yield event


@strawberry.type
class PartnerKeyQueries:
    @strawberry.field(
        description="Staff: the partner keys issued (never the keys themselves).",
        extensions=[
            PermissionExtension(permissions=[HasCredentials(), IsStaff()], use_directives=False)
        ],
    )
    async def partner_keys(self, info: Info) -> list[PartnerKey]:
        return await events.list_partner_keys(info)


@strawberry.type
class PartnerKeyMutations:
    @strawberry.mutation(
        description="Staff: issue an API key for a partner system; the key is shown only in this answer.",
        extensions=[PayloadPermissions([HasCredentials(), IsStaff()])],
    )
    async def create_partner_key(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The partner's name.")],
        scopes: Annotated[
            list[str],
            strawberry.argument(
                description=(
                    '"events:read" (events with the names of the changed fields) and, for a '
                    'partner whose agreement covers personal data, "events:read:pii" (their '
                    "values too)."
                )
            ),
        ],
    ) -> CreatePartnerKeyPayload:
        return await events.create_partner_key(info, name, scopes)

    @strawberry.mutation(
        description="Staff: revoke a partner key; its open subscriptions close within seconds.",
        extensions=[PayloadPermissions([HasCredentials(), IsStaff()])],
    )
    async def revoke_partner_key(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The key's `id`.")],
    ) -> RevokePartnerKeyPayload:
        return await events.revoke_partner_key(info, str(id))
