"""`requestPasswordReset` and `resetPassword` ("REINICIAR CLAVE")."""

from __future__ import annotations

from api.domain.messages import InfoMessage, info_message
from api.resolvers.context import Info
from api.resolvers.errors import REFUSALS, user_errors
from api.schema.auth import PasswordResetPayload, PasswordResetRequestPayload
from api.services import password_reset


async def request_password_reset(
    info: Info, identification: str, user_id: str
) -> PasswordResetRequestPayload:
    ctx = info.context
    try:
        await password_reset.request_password_reset(
            ctx.services,
            identification=identification,
            user_id=user_id,
            client_address=ctx.client_address,
            locale=ctx.locale,
        )
    except REFUSALS as refusal:
        return PasswordResetRequestPayload(errors=user_errors(refusal, ctx.locale))
    return PasswordResetRequestPayload(
        message=info_message(InfoMessage.PASSWORD_RESET_REQUESTED, ctx.locale)
    )


async def reset_password(
    info: Info,
    identification: str,
    user_id: str,
    code: str,
    new_password: str,
    new_password_confirmation: str,
) -> PasswordResetPayload:
    ctx = info.context
    try:
        await password_reset.reset_password(
            ctx.services,
            identification=identification,
            user_id=user_id,
            code=code,
            new_password=new_password,
            new_password_confirmation=new_password_confirmation,
        )
    except REFUSALS as refusal:
        return PasswordResetPayload(errors=user_errors(refusal, ctx.locale))
    return PasswordResetPayload(message=info_message(InfoMessage.PASSWORD_RESET_DONE, ctx.locale))
