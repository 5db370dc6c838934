"""The refusal every mutation payload carries in `errors`."""

from __future__ import annotations

import strawberry

from api.schema.enums import UserErrorCode


@strawberry.type(description="Why (part of) an operation was refused. Nothing was written.")
class UserError:
    field: str | None = strawberry.field(
        description="The input field the error concerns (its GraphQL name), or null for the whole operation."
    )
    code: UserErrorCode = strawberry.field(description="The reason, as a stable code.")
    message: str = strawberry.field(
        description="The reason for a person: Spanish by default, English with `Accept-Language: en`."
    )
    retry_after_seconds: int | None = strawberry.field(
        default=None, description="For RATE_LIMITED: how many seconds to wait before trying again."
    )
