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


@strawberry.type(description='The result of `requestPasswordReset` ("REINICIAR CLAVE").')
class PasswordResetRequestPayload:
    message: str | None = strawberry.field(
        default=None,
        description=(
            "The same for every request: whether or not the identification and user ID name an "
            "enabled user (nothing tells who exists)."
        ),
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Only RATE_LIMITED (requests from this client address) or SERVICE_UNAVAILABLE.",
    )


@strawberry.type(description="The result of `resetPassword`.")
class PasswordResetPayload:
    message: str | None = strawberry.field(
        default=None, description="Confirmation: sign in with the new password."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why the reset was refused: the new password (policy, confirmation) or the code "
            "(CODE_INVALID with the attempts left, CODE_LOCKED, CODE_EXPIRED). Nothing was written."
        ),
    )
