"""The one place where a stored operator becomes the public `Operator` shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from api.clock import as_utc
from api.domain.catalogs import Catalogs
from api.domain.companies import Company as DomainCompany
from api.domain.forms import registration_type_spec
from api.domain.operators import senae_email
from api.domain.vocabulary import Locale, RegistrationTypeCode
from api.persistence.operator_records import OperatorState
from api.resolvers.catalogs import city_shape, country_shape, province_shape
from api.resolvers.node_ids import operator_node_id
from api.schema.enums import (
    IdentificationTypeEnum,
    MobileCarrierCodeEnum,
    OperatorStatusEnum,
    RegistrationTypeCodeEnum,
    RoleEnum,
    TaxpayerStatusEnum,
)
from api.schema.history import PageInfo
from api.schema.operator import Company, Identification, Operator, RegistrationTypeRef


@dataclass(frozen=True, slots=True)
class PageArguments:
    """A connection's `first`, `after`, `last` and `before`, as the client sent them."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


class HasCursor(Protocol):
    @property
    def cursor(self) -> str: ...


def company_shape(company: DomainCompany | None) -> Company | None:
    if company is None:
        return None
    return Company(
        ruc=company.ruc,
        name=company.name,
        legal_representative_name=company.legal_representative_name,
        legal_representative_identification=company.legal_representative_identification,
        entity_name=company.entity_name,
        organization_name=company.organization_name,
        taxpayer_status=(
            TaxpayerStatusEnum[company.taxpayer_status.name] if company.taxpayer_status else None
        ),
    )


def to_operator(row: OperatorState, *, catalogs: Catalogs, locale: Locale) -> Operator:
    spec = registration_type_spec(RegistrationTypeCode(row.registration_type))
    country = catalogs.country(row.country_code) if row.country_code else None
    province = catalogs.province(row.province_code) if row.province_code else None
    city = catalogs.city(row.city_code) if row.city_code else None
    return Operator(
        id=operator_node_id(row.user_id),
        user_id=row.user_id,
        identification=Identification(
            type=IdentificationTypeEnum[row.identification_type],
            number=row.identification_number,
        ),
        registration_type=RegistrationTypeRef(
            code=RegistrationTypeCodeEnum[spec.code.name],
            name=spec.name_es if locale is Locale.ES else spec.name_en,
        ),
        role=RoleEnum[row.role],
        name=row.name,
        country=country_shape(country, locale) if country else None,
        province=province_shape(province) if province else None,
        city=city_shape(city) if city else None,
        address=row.address,
        phone1=row.phone1,
        phone2=row.phone2,
        mobile_carrier=(MobileCarrierCodeEnum[row.mobile_carrier] if row.mobile_carrier else None),
        mobile_number=row.mobile_number,
        fax=row.fax,
        email=row.email,
        senae_email=senae_email(row.user_id),
        company=company_shape(row.company) if row.company_ruc else None,
        status=OperatorStatusEnum[row.status],
        version=row.version,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        last_update_at=as_utc(row.last_update_at) if row.last_update_at else None,
        status_reason=row.status_reason,
        employee_permission=(
            row.employee_permission
            if row.registration_type == RegistrationTypeCode.EMPLOYEE.value
            else None
        ),
        source=row,
    )


def page_info(
    edges: Sequence[HasCursor], *, has_previous_page: bool, has_next_page: bool
) -> PageInfo:
    """Where a page of a connection starts and ends (Relay's cursor connections)."""
    return PageInfo(
        has_next_page=has_next_page,
        has_previous_page=has_previous_page,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
