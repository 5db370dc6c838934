"""Deregistration, the electronic-channels agreement, the yearly update: shapes only."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.schema.enums import (
    AnnualUpdateStatusEnum,
    AnnualUpdateStepEnum,
    DeregistrationStatusEnum,
)
from api.schema.errors import UserError
from api.schema.history import PageInfo
from api.schema.node import Node

if TYPE_CHECKING:
    from api.schema.operator import Operator

LazyOperator = Annotated["Operator", strawberry.lazy("api.schema.operator")]


@strawberry.type(description="Where an operator stands with this year's update (January duty).")
class AnnualUpdate:
    year: int = strawberry.field(description="The year evaluated (Ecuador's calendar).")
    status: AnnualUpdateStatusEnum = strawberry.field(
        description="UP_TO_DATE, COMPLETED_LATE, DUE, OVERDUE or DISABLED."
    )
    missing: list[AnnualUpdateStepEnum] = strawberry.field(
        description=(
            "What is still to do for this year's update, in order; empty once it is complete or "
            "when none is owed."
        )
    )
    completed_at: datetime | None = strawberry.field(
        description="When this year's update was completed (the agreement signed after the update)."
    )
    due_by: datetime = strawberry.field(
        description=(
            "The end of the January the next update is owed by. While this year's update is "
            "still to do and staff reactivated the operator after that January (or less than "
            "the grace before its end), or its company granted an employee the permission then: "
            "the end of the grace, ANNUAL_UPDATE_REACTIVATION_GRACE_DAYS after the reactivation "
            "or the grant, before which `enforce-annual-update` does not disable it again."
        )
    )


@strawberry.type(description='A "Solicitud de baja" (§5.8).')
class DeregistrationRequest(Node):
    id: strawberry.ID = strawberry.field(
        description=(
            "Its global id (Node): opaque and stable; the `requestId` of staff's decisions."
        )
    )
    status: DeregistrationStatusEnum = strawberry.field(
        description="PENDING, APPROVED, REJECTED or WITHDRAWN."
    )
    reason: str = strawberry.field(description="The user's reason.")
    created_at: datetime = strawberry.field(description="When it was submitted.")
    decided_at: datetime | None = strawberry.field(description="When it was decided or withdrawn.")
    decided_by: str | None = strawberry.field(
        description="The user ID of who decided (or withdrew) it."
    )
    decision_reason: str | None = strawberry.field(description="Staff's reason for a rejection.")
    operator: LazyOperator | None = strawberry.field(
        default=None, description="The requesting operator (staff's queue only)."
    )


@strawberry.type(description="The result of a deregistration step.")
class DeregistrationPayload:
    request: DeregistrationRequest | None = strawberry.field(
        default=None, description="The request."
    )
    message: str | None = strawberry.field(
        default=None, description="The informative message (§5.8)."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was refused."
    )


@strawberry.type(description="A request with its cursor.")
class DeregistrationEdge:
    cursor: str = strawberry.field(
        description="Pass as `after` for the edges after it, as `before` for those before it."
    )
    node: DeregistrationRequest = strawberry.field(description="The request.")


@strawberry.type(description="Staff's queue of deregistration requests, oldest first.")
class DeregistrationConnection:
    edges: list[DeregistrationEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="Paging.")


@strawberry.type(description="An operator with its cursor.")
class OperatorEdge:
    cursor: str = strawberry.field(
        description="Pass as `after` for the edges after it, as `before` for those before it."
    )
    node: LazyOperator = strawberry.field(description="The operator.")


@strawberry.type(description="A page of operators, in registration order.")
class OperatorConnection:
    edges: list[OperatorEdge] = strawberry.field(description="This page.")
    page_info: PageInfo = strawberry.field(description="Paging.")


@strawberry.type(
    description="The *Convenio para la utilización de canales electrónicos o tecnológicos del SENAE*."
)
class ElectronicChannelsAgreement(Node):
    id: strawberry.ID = strawberry.field(
        description="Its global id (Node): one per published version, opaque and stable."
    )
    version: str = strawberry.field(description='The version to sign, e.g. "2026-01".')
    text: str = strawberry.field(description="The exact text: sign its UTF-8 bytes.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the UTF-8 text.")
    published_at: datetime = strawberry.field(description="When it was published.")


@strawberry.type(description="The result of publishing a new version of the agreement.")
class PublishAgreementPayload:
    agreement: ElectronicChannelsAgreement | None = strawberry.field(
        default=None, description="The new version."
    )
    message: str | None = strawberry.field(default=None, description="Confirmation.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was refused."
    )


@strawberry.type(description="The result of signing the agreement with the TOKEN.")
class SignAgreementPayload:
    operator: LazyOperator | None = strawberry.field(default=None, description="The user, updated.")
    already_signed: bool = strawberry.field(
        default=False, description="True when this version was already signed: nothing changed."
    )
    message: str | None = strawberry.field(
        default=None,
        description=(
            'The guide\'s "Su actualización de Datos se ha realizado con éxito" only when the '
            "update is complete; otherwise what is still missing (`operator.annualUpdate."
            "missing` has it coded)."
        ),
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list,
        description=(
            "Why the signature was refused: BAD_SIGNATURE, UNTRUSTED_CERTIFICATE, "
            "CERTIFICATE_EXPIRED, CERTIFICATE_NOT_FOR_SIGNING, SIGNER_MISMATCH, UNKNOWN_VERSION, "
            "or RUC_NOT_ACTIVE (no field: the company the operator is registered as is not "
            "ACTIVO in the SRI's RUC registry, `company.taxpayerStatus`)."
        ),
    )


@strawberry.type(description="The result of a staff or representative action on an operator.")
class OperatorPayload:
    operator: LazyOperator | None = strawberry.field(
        default=None, description="The operator, updated."
    )
    message: str | None = strawberry.field(default=None, description="Confirmation.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why it was refused."
    )
