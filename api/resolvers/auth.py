"""`login` and `logout`."""

from __future__ import annotations

from api.domain.messages import InfoMessage, info_message
from api.resolvers.context import Info
from api.resolvers.errors import REFUSALS, user_errors
from api.resolvers.mapping import to_operator
from api.schema.auth import LoginPayload, LogoutPayload
from api.services import auth


async def login(
    info: Info, identification: str, user_id: str, password: str, otp: str | None = None
) -> LoginPayload:
    ctx = info.context
    try:
        result = await auth.login(
            ctx.services,
            identification=identification,
            user_id=user_id,
            password=password,
            client_address=ctx.client_address,
            otp=otp,
        )
    except REFUSALS as refusal:
        return LoginPayload(errors=user_errors(refusal, ctx.locale))
    return LoginPayload(
        token=result.token,
        expires_in_seconds=ctx.services.settings.session_ttl_seconds,
        operator=to_operator(result.operator, catalogs=ctx.services.catalogs, locale=ctx.locale),
    )


async def logout(info: Info) -> LogoutPayload:
    ctx = info.context
    assert ctx.session is not None, "guarded by IsAuthenticated"
    try:
        await auth.logout(ctx.services, ctx.session)
    except REFUSALS as refusal:
        return LogoutPayload(errors=user_errors(refusal, ctx.locale))
    return LogoutPayload(message=info_message(InfoMessage.LOGGED_OUT, ctx.locale))
