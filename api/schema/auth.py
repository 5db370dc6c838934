"""Payloads of sign-in and sign-out."""

from __future__ import annotations

import strawberry

from api.schema.errors import UserError
from api.schema.operator import Operator


@strawberry.type(description="The result of `login`.")
class LoginPayload:
    token: str | None = strawberry.field(
        default=None,
        description=(
            "Opaque bearer token: send `Authorization: Bearer <token>` over HTTP, or "
            '`{"authorization": "Bearer <token>"}` in `connection_init` over WebSocket. Each use '
            "renews its expiry."
        ),
    )
    expires_in_seconds: int | None = strawberry.field(
        default=None, description="Seconds of inactivity after which the token expires."
    )
    operator: Operator | None = strawberry.field(default=None, description="The signed-in user.")
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why sign-in was refused (always the same for a wrong part).",
    )


@strawberry.type(description="The result of `logout`.")
class LogoutPayload:
    message: str | None = strawberry.field(default=None, description="Confirmation for the user.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was refused."
    )
