"""The operator as clients see it: the fields of §5.5, never the password hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.domain.catalogs import Catalogs
from api.domain.vocabulary import Locale
from api.resolvers import operator_fields
from api.resolvers.context import Info
from api.schema.catalogs import City, Country, Province
from api.schema.enums import MobileCarrierCodeEnum, OperatorStatusEnum, RoleEnum
from api.schema.lifecycle import AnnualUpdate, DeregistrationRequest
from api.schema.node import Node
from api.schema.operator_parts import Company, Identification, RegistrationTypeRef


@strawberry.type(description="A registered user of the customs portal (an OCE, or customs staff).")
class Operator(Node):
    user_id: str = strawberry.field(
        description='"ID. usuario" (§4.1.4): read-only; changing it means deregistering and registering again.'
    )
    identification: Identification = strawberry.field(
        resolver=operator_fields.identification, description='"Doc. identificación".'
    )
    registration_type: RegistrationTypeRef = strawberry.field(
        resolver=operator_fields.registration_type, description="Its form (§5.4)."
    )
    role: RoleEnum = strawberry.field(description="USER or STAFF.")
    name: str = strawberry.field(
        description='"Nombre usuario": only corrections of misspelt names or surnames are accepted.'
    )
    country: Country | None = strawberry.field(
        resolver=operator_fields.country,
        description='"País" (null until the form is first completed).',
    )
    province: Province | None = strawberry.field(
        resolver=operator_fields.province, description='"Provincia": only for Ecuador.'
    )
    city: City | None = strawberry.field(
        resolver=operator_fields.city, description='"Ciudad": a canton of the province.'
    )
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
        resolver=operator_fields.company,
        description="Company or entity data (representatives, employees, public officials).",
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
    # The stored row, and what the fields with a resolver above read it with: each of those
    # parts is built only when a query selects it.
    source: strawberry.Private[Any]
    catalogs: strawberry.Private[Catalogs]
    locale: strawberry.Private[Locale]

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
