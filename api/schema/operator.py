"""The operator as clients see it: the fields of §5.5, never the password hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.resolvers import operator_fields
from api.resolvers.context import Info
from api.schema.catalogs import City, Country, Province
from api.schema.enums import (
    IdentificationTypeEnum,
    MobileCarrierCodeEnum,
    OperatorStatusEnum,
    RegistrationTypeCodeEnum,
    RoleEnum,
    TaxpayerStatusEnum,
)
from api.schema.lifecycle import AnnualUpdate, DeregistrationRequest
from api.schema.node import Node


@strawberry.type(description='"Doc. identificación": read-only (§5.5.1).')
class Identification:
    type: IdentificationTypeEnum = strawberry.field(description="RUC, CEDULA or PASSPORT.")
    number: str = strawberry.field(description="The document number.")


@strawberry.type(description="The registration type an operator is registered under (§5.4).")
class RegistrationTypeRef:
    code: RegistrationTypeCodeEnum = strawberry.field(description="Stable code.")
    name: str = strawberry.field(description="Name as the portal shows it.")


@strawberry.type(
    description=(
        "The company, public entity or international organisation as registered with the SRI "
        "(its RUC registry): read-only on the forms of §5.4; set by customs staff or imported "
        "from the SRI's registry."
    )
)
class Company:
    ruc: str = strawberry.field(
        description="The company's RUC (13 digits, main establishment 001)."
    )
    name: str | None = strawberry.field(
        description="Razón social as the SRI registers it; null until the registry is known."
    )
    legal_representative_name: str | None = strawberry.field(
        description="The legal representative's name as the SRI registers it."
    )
    legal_representative_identification: str | None = strawberry.field(
        description="The legal representative's cédula (or passport, for a foreign one)."
    )
    entity_name: str | None = strawberry.field(
        description=(
            "The public entity (form field `entityName`): the razón social, for the public "
            "entity types; null for the others."
        )
    )
    organization_name: str | None = strawberry.field(
        description=(
            "The international organisation (form field `organizationName`): the razón social, "
            "for INTERNATIONAL_ORGANIZATION; null for the others."
        )
    )
    taxpayer_status: TaxpayerStatusEnum | None = strawberry.field(
        description=(
            "ESTADO_CONTRIBUYENTE in the SRI's RUC registry, as its last import read it; null "
            "until an import of the registry gives it. A company registered with its own RUC "
            "signs the agreement only while ACTIVE (error RUC_NOT_ACTIVE)."
        )
    )


@strawberry.type(description="A registered user of the customs portal (an OCE, or customs staff).")
class Operator(Node):
    user_id: str = strawberry.field(
        description='"ID. usuario" (§4.1.4): read-only; changing it means deregistering and registering again.'
    )
    identification: Identification = strawberry.field(description='"Doc. identificación".')
    registration_type: RegistrationTypeRef = strawberry.field(description="Its form (§5.4).")
    role: RoleEnum = strawberry.field(description="USER or STAFF.")
    name: str = strawberry.field(
        description='"Nombre usuario": only corrections of misspelt names or surnames are accepted.'
    )
    country: Country | None = strawberry.field(
        description='"País" (null until the form is first completed).'
    )
    province: Province | None = strawberry.field(description='"Provincia": only for Ecuador.')
    city: City | None = strawberry.field(description='"Ciudad": a canton of the province.')
    address: str | None = strawberry.field(description='"Dirección".')
    phone1: str | None = strawberry.field(description='"Teléfono1": 0XXXXXXXX, area code included.')
    phone2: str | None = strawberry.field(description='"Teléfono2".')
    mobile_carrier: MobileCarrierCodeEnum | None = strawberry.field(
        description="Carrier of the mobile."
    )
    mobile_number: str | None = strawberry.field(description='"Celular": 09XXXXXXXX.')
    fax: str | None = strawberry.field(description='"Fax".')
    email: str = strawberry.field(
        description='"Correo electrónico": the registered personal address.'
    )
    senae_email: str = strawberry.field(
        description='"SENAE correo electrónico" (§4.1.5): <ID.usuario>@correo.aduana.gob.ec, read-only.'
    )
    company: Company | None = strawberry.field(
        description="Company or entity data (representatives, employees, public officials)."
    )
    status: OperatorStatusEnum = strawberry.field(description="ACTIVE or DISABLED.")
    version: int = strawberry.field(
        description="Increases with every change; send it as `expectedVersion` to refuse stale edits."
    )
    created_at: datetime = strawberry.field(description="When the user registered.")
    updated_at: datetime = strawberry.field(description="When the record last changed.")
    last_update_at: datetime | None = strawberry.field(
        description='When the user last completed "Modificar" successfully.'
    )
    status_reason: str | None = strawberry.field(
        description="Why the user ID was last disabled or enabled again (deregistration, yearly update)."
    )
    employee_permission: bool | None = strawberry.field(
        description=(
            'For an EMPLOYEE: whether its company granted the permission to use "Modificar" '
            "(SENAE-ISEE-3-2-013); null for other types."
        )
    )
    source: strawberry.Private[Any]

    @strawberry.field(
        description=(
            "True until the current version of the electronic-channels agreement is signed after "
            'the latest update: for a new user, after every successful "Modificar", and for '
            "everyone when a new version is published."
        )
    )
    async def agreement_pending(self, info: Info) -> bool:
        return await operator_fields.agreement_pending(self, info)

    @strawberry.field(
        description="Where the user stands with the yearly January update (SENAE-DGN-2016-0364-RE)."
    )
    async def annual_update(self, info: Info) -> AnnualUpdate:
        return await operator_fields.annual_update(self, info)

    @strawberry.field(description='The latest "Solicitud de baja" (§5.8), if any.')
    async def deregistration_request(self, info: Info) -> DeregistrationRequest | None:
        return await operator_fields.deregistration_request(self, info)
