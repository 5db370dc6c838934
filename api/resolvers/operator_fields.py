"""The fields of `Operator` that are more than a column of its row: its parts (identification,
registration type, place, company), built only when a query selects them, and what is read from
elsewhere (the agreement, the yearly update, the latest deregistration request)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.clock import as_utc
from api.domain.forms import registration_type_spec
from api.domain.lifecycle import agreement_pending as is_agreement_pending
from api.domain.vocabulary import Locale, RegistrationTypeCode
from api.persistence.operator_records import OperatorRecord, OperatorState
from api.persistence.tables import DeregistrationRequestRow, OperatorRow
from api.resolvers.catalogs import city_shape, country_shape, province_shape
from api.resolvers.context import Info
from api.resolvers.node_ids import DEREGISTRATION_NODE, node_id
from api.schema.catalogs import City, Country, Province
from api.schema.enums import (
    AnnualUpdateStatusEnum,
    AnnualUpdateStepEnum,
    DeregistrationStatusEnum,
    IdentificationTypeEnum,
    RegistrationTypeCodeEnum,
    TaxpayerStatusEnum,
)
from api.schema.lifecycle import AnnualUpdate, DeregistrationRequest
from api.schema.operator_parts import Company, Identification, RegistrationTypeRef
from api.services.annual_update import state_of

if TYPE_CHECKING:
    from api.schema.operator import Operator


def _row(operator: Operator) -> OperatorState:
    row = operator.source
    assert isinstance(row, OperatorRow | OperatorRecord)
    return row


def identification(root: Operator) -> Identification:
    row = _row(root)
    return Identification(
        type=IdentificationTypeEnum[row.identification_type], number=row.identification_number
    )


def registration_type(root: Operator) -> RegistrationTypeRef:
    spec = registration_type_spec(RegistrationTypeCode(_row(root).registration_type))
    return RegistrationTypeRef(
        code=RegistrationTypeCodeEnum[spec.code.name],
        name=spec.name_es if root.locale is Locale.ES else spec.name_en,
    )


def country(root: Operator) -> Country | None:
    code = _row(root).country_code
    found = root.catalogs.country(code) if code else None
    return country_shape(found, root.locale) if found else None


def province(root: Operator) -> Province | None:
    code = _row(root).province_code
    found = root.catalogs.province(code) if code else None
    return province_shape(found) if found else None


def city(root: Operator) -> City | None:
    code = _row(root).city_code
    found = root.catalogs.city(code) if code else None
    return city_shape(found) if found else None


def company(root: Operator) -> Company | None:
    row = _row(root)
    stored = row.company if row.company_ruc else None
    if stored is None:
        return None
    return Company(
        ruc=stored.ruc,
        name=stored.name,
        legal_representative_name=stored.legal_representative_name,
        legal_representative_identification=stored.legal_representative_identification,
        entity_name=stored.entity_name,
        organization_name=stored.organization_name,
        taxpayer_status=(
            TaxpayerStatusEnum[stored.taxpayer_status.name] if stored.taxpayer_status else None
        ),
    )


async def agreement_pending(operator: Operator, info: Info) -> bool:
    row = _row(operator)
    return is_agreement_pending(
        signed_version=row.agreement_version,
        signed_at=row.agreement_signed_at,
        current_version=await info.context.loaders.current_agreement_version(),
        last_update_at=row.last_update_at,
    )


async def annual_update(operator: Operator, info: Info) -> AnnualUpdate:
    row = _row(operator)
    assert row.id is not None
    completions = await info.context.loaders.completions.load(row.id)
    grace_start = await info.context.loaders.grace_start.load(row.id)
    state = state_of(info.context.services, row, completions, grace_start)
    return AnnualUpdate(
        year=state.year,
        status=AnnualUpdateStatusEnum[state.status.name],
        missing=[AnnualUpdateStepEnum[step.name] for step in state.missing],
        completed_at=state.completed_at,
        due_by=state.due_by,
    )


def to_request(
    row: DeregistrationRequestRow, operator: Operator | None = None
) -> DeregistrationRequest:
    return DeregistrationRequest(
        id=node_id(DEREGISTRATION_NODE, row.id or 0),
        status=DeregistrationStatusEnum[row.status],
        reason=row.reason,
        created_at=as_utc(row.created_at),
        decided_at=as_utc(row.decided_at) if row.decided_at else None,
        decided_by=row.decided_by,
        decision_reason=row.decision_reason,
        operator=operator,
    )


async def deregistration_request(operator: Operator, info: Info) -> DeregistrationRequest | None:
    row = _row(operator)
    assert row.id is not None
    latest = await info.context.loaders.latest_deregistration.load(row.id)
    return to_request(latest) if latest is not None else None
