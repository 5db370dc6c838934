"""The three buttons of §5.5: "Comprobar disponibilidad", "Solicitar código de seguridad",
"Modificar"."""

from __future__ import annotations

from api.domain.errors import ErrorCode
from api.domain.forms import ModifyForm
from api.domain.lifecycle import agreement_pending as is_agreement_pending
from api.domain.messages import InfoMessage, info_message
from api.resolvers.context import Info
from api.resolvers.errors import REFUSALS, to_user_error, user_errors
from api.resolvers.mapping import to_operator
from api.schema.modify import (
    EmailAvailabilityPayload,
    ModifyOperatorInput,
    ModifyOperatorPayload,
    SecurityCodePayload,
)
from api.services import email_availability, modify, security_codes


def _form(data: ModifyOperatorInput) -> ModifyForm:
    return ModifyForm(
        name=data.name,
        country_code=data.country_code,
        province_code=data.province_code,
        city_code=data.city_code,
        address=data.address,
        phone1=data.phone1,
        phone2=data.phone2,
        mobile_carrier=data.mobile_carrier.value,
        mobile_number=data.mobile_number,
        fax=data.fax,
        keep_same_email=data.keep_same_email,
        email=data.email,
        email_confirmation=data.email_confirmation,
        security_code=data.security_code,
        current_password=data.current_password,
        new_password=data.new_password,
        new_password_confirmation=data.new_password_confirmation,
        expected_version=data.expected_version,
    )


async def check_email_availability(info: Info, email: str) -> EmailAvailabilityPayload:
    ctx = info.context
    try:
        operator = ctx.caller()
        assert operator is not None, "guarded by IsAuthenticated"
        result = await email_availability.check_email_availability(
            ctx.services, operator=operator, email=email
        )
    except REFUSALS as refusal:
        return EmailAvailabilityPayload(
            email=email.strip(), available=False, errors=user_errors(refusal, ctx.locale)
        )
    return EmailAvailabilityPayload(
        email=result.email,
        available=result.available,
        message=info_message(_availability_message(result), ctx.locale),
        errors=[to_user_error(result.reason, ctx.locale)] if result.reason else [],
    )


def _availability_message(result: email_availability.Availability) -> InfoMessage:
    """The caller's own address is not "unavailable": it is the one to keep."""
    if result.available:
        return InfoMessage.EMAIL_AVAILABLE
    if result.reason is not None and result.reason.code is ErrorCode.EMAIL_IS_CURRENT:
        return InfoMessage.EMAIL_IS_CURRENT
    return InfoMessage.EMAIL_UNAVAILABLE


async def request_security_code(info: Info, email: str) -> SecurityCodePayload:
    ctx = info.context
    try:
        operator = ctx.caller()
        assert operator is not None, "guarded by IsAuthenticated"
        sent = await security_codes.request_security_code(
            ctx.services, operator=operator, email=email, locale=ctx.locale
        )
    except REFUSALS as refusal:
        return SecurityCodePayload(errors=user_errors(refusal, ctx.locale))
    return SecurityCodePayload(
        expires_at=sent.expires_at,
        message=info_message(InfoMessage.SECURITY_CODE_SENT, ctx.locale, email=sent.address),
    )


async def modify_operator(info: Info, data: ModifyOperatorInput) -> ModifyOperatorPayload:
    ctx = info.context
    assert ctx.session is not None, "guarded by IsAuthenticated"
    try:
        result = await modify.modify_operator(
            ctx.services, session_data=ctx.session, form=_form(data)
        )
    except REFUSALS as refusal:
        return ModifyOperatorPayload(errors=user_errors(refusal, ctx.locale))
    to_sign = is_agreement_pending(
        signed_version=result.operator.agreement_version,
        signed_at=result.operator.agreement_signed_at,
        current_version=await ctx.loaders.current_agreement_version(),
        last_update_at=result.operator.last_update_at,
    )
    message = InfoMessage.MODIFIED_AGREEMENT_TO_SIGN if to_sign else InfoMessage.UPDATE_SUCCEEDED
    return ModifyOperatorPayload(
        operator=to_operator(result.operator, catalogs=ctx.services.catalogs, locale=ctx.locale),
        message=info_message(message, ctx.locale),
    )
