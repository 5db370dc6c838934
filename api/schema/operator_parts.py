"""The parts of an operator's record that clients read as objects of their own: its
identification document, its registration type and its company."""

from __future__ import annotations

import strawberry

from api.schema.enums import IdentificationTypeEnum, RegistrationTypeCodeEnum, TaxpayerStatusEnum


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
