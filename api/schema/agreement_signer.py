"""Who signed the electronic-channels agreement, as the history shows it: shapes only."""

from __future__ import annotations

import strawberry

from api.schema.enums import CertificateKindEnum, CertificateLayoutEnum, SigningCapacityEnum


@strawberry.type(
    description=(
        "Who signed the agreement, as the signing certificate names the holder: the evidence "
        "kept with the signature (the guide, step 6)."
    )
)
class AgreementSigner:
    identification: str | None = strawberry.field(
        description="The cédula or passport of the person who holds the signing key."
    )
    name: str | None = strawberry.field(description="The holder's names and surnames.")
    position: str | None = strawberry.field(
        description="The holder's position in the company (cargo), when certified."
    )
    company_ruc: str | None = strawberry.field(
        description="The RUC of the company the certificate names, for company kinds."
    )
    company_name: str | None = strawberry.field(
        description="The company's razón social as the certificate names it."
    )
    certificate_kind: CertificateKindEnum = strawberry.field(description="The kind of certificate.")
    certification_authority: str = strawberry.field(
        description="The certification authority that issued the certificate."
    )
    layout: CertificateLayoutEnum = strawberry.field(
        description="Where the certificate names its holder."
    )
    capacity: SigningCapacityEnum = strawberry.field(
        description="In what capacity the holder signed for the operator."
    )
