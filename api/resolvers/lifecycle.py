"""Deregistration (§5.8), the electronic-channels agreement, the yearly update, employees."""

from __future__ import annotations

from api.clock import as_utc
from api.domain.errors import DomainError
from api.domain.lifecycle import AnnualUpdateStatus, DeregistrationStatus, SigningOutcome, local
from api.domain.messages import InfoMessage, info_message
from api.persistence.tables import AgreementVersionRow
from api.resolvers.context import Info
from api.resolvers.errors import REFUSALS, as_graphql_error, user_errors
from api.resolvers.mapping import PageArguments, page_info, to_operator
from api.resolvers.node_ids import AGREEMENT_NODE, DEREGISTRATION_NODE, node_id, number_of_node_id
from api.resolvers.operator_fields import to_request
from api.schema.enums import AnnualUpdateStatusEnum, DeregistrationStatusEnum
from api.schema.lifecycle import (
    DeregistrationConnection,
    DeregistrationEdge,
    DeregistrationPayload,
    ElectronicChannelsAgreement,
    OperatorConnection,
    OperatorEdge,
    OperatorPayload,
    PublishAgreementPayload,
    SignAgreementPayload,
)
from api.services import agreement, annual_update, deregistration, employees


def _session_ids(info: Info) -> tuple[int, str]:
    session = info.context.session
    assert session is not None, "guarded by a permission class"
    return session.operator_id, session.user_id


# Deregistration ---------------------------------------------------------------------------------


async def request_deregistration(info: Info, reason: str) -> DeregistrationPayload:
    ctx = info.context
    operator_id, _ = _session_ids(info)
    try:
        row = await deregistration.request_deregistration(
            ctx.services, operator_id=operator_id, reason=reason
        )
    except REFUSALS as refusal:
        return DeregistrationPayload(errors=user_errors(refusal, ctx.locale))
    return DeregistrationPayload(
        request=to_request(row),
        message=info_message(InfoMessage.DEREGISTRATION_REQUESTED, ctx.locale),
    )


async def withdraw_deregistration(info: Info) -> DeregistrationPayload:
    ctx = info.context
    operator_id, _ = _session_ids(info)
    try:
        row = await deregistration.withdraw_deregistration(ctx.services, operator_id=operator_id)
    except REFUSALS as refusal:
        return DeregistrationPayload(errors=user_errors(refusal, ctx.locale))
    return DeregistrationPayload(
        request=to_request(row),
        message=info_message(InfoMessage.DEREGISTRATION_WITHDRAWN, ctx.locale),
    )


def _request_id(value: str) -> int:
    return number_of_node_id(value, DEREGISTRATION_NODE, field="requestId")


async def decide_deregistration(
    info: Info, request_id: str, *, approve: bool, reason: str | None
) -> DeregistrationPayload:
    ctx = info.context
    _, staff_user_id = _session_ids(info)
    try:
        decision = await deregistration.decide_deregistration(
            ctx.services,
            request_id=_request_id(request_id),
            staff_user_id=staff_user_id,
            approve=approve,
            reason=reason,
        )
    except REFUSALS as refusal:
        return DeregistrationPayload(errors=user_errors(refusal, ctx.locale))
    message = (
        InfoMessage.DEREGISTRATION_APPROVED if approve else InfoMessage.DEREGISTRATION_REJECTED
    )
    operator = to_operator(decision.operator, catalogs=ctx.services.catalogs, locale=ctx.locale)
    return DeregistrationPayload(
        request=to_request(decision.request, operator), message=info_message(message, ctx.locale)
    )


async def deregistration_requests(
    info: Info, status: DeregistrationStatusEnum | None, pages: PageArguments
) -> DeregistrationConnection:
    ctx = info.context
    try:
        listed = await deregistration.list_requests(
            ctx.services,
            status=DeregistrationStatus(status.value) if status is not None else None,
            first=pages.first,
            after=pages.after,
            last=pages.last,
            before=pages.before,
        )
    except DomainError as refusal:
        raise as_graphql_error(refusal, ctx.locale) from None
    edges = [
        DeregistrationEdge(
            cursor=deregistration.request_cursor(row.id or 0),
            node=to_request(
                row,
                to_operator(
                    listed.operators[row.operator_id],
                    catalogs=ctx.services.catalogs,
                    locale=ctx.locale,
                ),
            ),
        )
        for row in listed.page.rows
    ]
    return DeregistrationConnection(
        edges=edges,
        page_info=page_info(
            edges,
            has_previous_page=listed.page.has_previous_page,
            has_next_page=listed.page.has_next_page,
        ),
    )


# The agreement ------------------------------------------------------------------------------------

SIGNING_MESSAGES = {
    SigningOutcome.UPDATE_COMPLETE: InfoMessage.AGREEMENT_SIGNED,
    SigningOutcome.UPDATE_COMPLETE_LATE: InfoMessage.AGREEMENT_SIGNED_LATE,
    SigningOutcome.UPDATE_INCOMPLETE: InfoMessage.AGREEMENT_SIGNED_UPDATE_MISSING,
    SigningOutcome.AGREEMENT_ONLY: InfoMessage.AGREEMENT_SIGNED_ONLY,
    SigningOutcome.ALREADY_SIGNED: InfoMessage.AGREEMENT_ALREADY_SIGNED,
    SigningOutcome.ALREADY_SIGNED_UPDATE_MISSING: InfoMessage.AGREEMENT_ALREADY_SIGNED_UPDATE_MISSING,
}


async def electronic_channels_agreement(info: Info) -> ElectronicChannelsAgreement | None:
    row = await agreement.current_agreement(info.context.services)
    if row is None:
        return None
    return to_agreement(row)


def to_agreement(row: AgreementVersionRow) -> ElectronicChannelsAgreement:
    return ElectronicChannelsAgreement(
        id=node_id(AGREEMENT_NODE, row.version),
        version=row.version,
        text=row.text,
        sha256=row.sha256,
        published_at=as_utc(row.published_at),
    )


async def publish_agreement(info: Info, text: str) -> PublishAgreementPayload:
    ctx = info.context
    _, staff_user_id = _session_ids(info)
    try:
        row = await agreement.publish_agreement(
            ctx.services, text=text, staff_user_id=staff_user_id
        )
    except REFUSALS as refusal:
        return PublishAgreementPayload(errors=user_errors(refusal, ctx.locale))
    return PublishAgreementPayload(
        agreement=to_agreement(row),
        message=info_message(InfoMessage.AGREEMENT_PUBLISHED, ctx.locale, version=row.version),
    )


async def sign_agreement(
    info: Info, version: str, signature: str, certificate: str
) -> SignAgreementPayload:
    ctx = info.context
    operator_id, _ = _session_ids(info)
    try:
        signed = await agreement.sign_agreement(
            ctx.services,
            operator_id=operator_id,
            version=version,
            signature=signature,
            certificate=certificate,
        )
    except REFUSALS as refusal:
        return SignAgreementPayload(errors=user_errors(refusal, ctx.locale))
    message = SIGNING_MESSAGES[signed.outcome]
    year = local(ctx.services.clock.now()).year
    return SignAgreementPayload(
        operator=to_operator(signed.operator, catalogs=ctx.services.catalogs, locale=ctx.locale),
        already_signed=signed.already_signed,
        message=info_message(message, ctx.locale, year=year),
    )


# The yearly update and staff's view of operators ------------------------------------------------


async def operators(
    info: Info, annual_update_status: AnnualUpdateStatusEnum | None, pages: PageArguments
) -> OperatorConnection:
    ctx = info.context
    try:
        page = await annual_update.list_operators(
            ctx.services,
            status=AnnualUpdateStatus(annual_update_status.value) if annual_update_status else None,
            first=pages.first,
            after=pages.after,
            last=pages.last,
            before=pages.before,
        )
    except DomainError as refusal:
        raise as_graphql_error(refusal, ctx.locale) from None
    edges = [
        OperatorEdge(
            cursor=annual_update.operator_cursor(row.id or 0),
            node=to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale),
        )
        for row in page.rows
    ]
    return OperatorConnection(
        edges=edges,
        page_info=page_info(
            edges, has_previous_page=page.has_previous_page, has_next_page=page.has_next_page
        ),
    )


async def reactivate_operator(info: Info, user_id: str, reason: str) -> OperatorPayload:
    ctx = info.context
    _, staff_user_id = _session_ids(info)
    try:
        row = await annual_update.reactivate_operator(
            ctx.services, user_id=user_id, reason=reason, staff_user_id=staff_user_id
        )
    except REFUSALS as refusal:
        return OperatorPayload(errors=user_errors(refusal, ctx.locale))
    return OperatorPayload(
        operator=to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale),
        message=info_message(InfoMessage.OPERATOR_REACTIVATED, ctx.locale),
    )


async def set_employee_permission(info: Info, user_id: str, allowed: bool) -> OperatorPayload:
    ctx = info.context
    representative_id, _ = _session_ids(info)
    try:
        row = await employees.set_employee_permission(
            ctx.services, representative_id=representative_id, user_id=user_id, allowed=allowed
        )
    except REFUSALS as refusal:
        return OperatorPayload(errors=user_errors(refusal, ctx.locale))
    return OperatorPayload(
        operator=to_operator(row, catalogs=ctx.services.catalogs, locale=ctx.locale),
        message=info_message(InfoMessage.EMPLOYEE_PERMISSION_SET, ctx.locale),
    )
