"""The company, public entity or international organisation as the SRI registers it.

The SRI's RUC registry ("Catastro RUC") is kept per company: one RUC, one razón social, one legal
representative. Operators refer to it by RUC: the representative that registered with the
company's RUC, its employees, the officials of a public entity. The forms of those types show it
read-only (SENAE-ISEE-3-2-010 §5.4; `api/domain/forms/`) and the agreement is signed for the
company by its legal representative or a member of the company (SPEC §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.identification import normalize_identification
from api.domain.names import normalize_name
from api.domain.vocabulary import IdentificationType, RegistrationTypeCode

COMPANY_NAME_MAX_LENGTH: Final = 300
LEGAL_REPRESENTATIVE_NAME_MAX_LENGTH: Final = 150

# The types whose company is a public entity or an international organisation: the form names
# it `entityName` or `organizationName` rather than `companyName`.
PUBLIC_ENTITY_TYPES: Final = frozenset(
    {
        RegistrationTypeCode.PUBLIC_ENTITY_REPRESENTATIVE,
        RegistrationTypeCode.PUBLIC_ENTITY_OFFICIAL,
    }
)
ORGANIZATION_TYPES: Final = frozenset({RegistrationTypeCode.INTERNATIONAL_ORGANIZATION})


class TaxpayerStatus(StrEnum):
    """The company's state in the SRI's RUC registry (its column ESTADO_CONTRIBUYENTE)."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    PASSIVE = "PASSIVE"


# The registry's own words, as its files carry them and as Ecuadorian users know them.
SRI_TAXPAYER_STATUS_WORDS: Final = {
    TaxpayerStatus.ACTIVE: "ACTIVO",
    TaxpayerStatus.SUSPENDED: "SUSPENDIDO",
    TaxpayerStatus.PASSIVE: "PASIVO",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Company:
    """An operator's company as registered with the SRI, as the operator's record carries it.

    `name` is the razón social; `entity_name` and `organization_name` repeat it for the public
    and international types (None for the others), so that each form field has its value.
    `name` and the legal representative are None until the SRI data is known (a RUC given at
    registration, before the registry was imported); so is `taxpayer_status`, which only the
    registry's import sets.
    """

    ruc: str
    name: str | None
    legal_representative_name: str | None
    legal_representative_identification: str | None
    entity_name: str | None = None
    organization_name: str | None = None
    taxpayer_status: TaxpayerStatus | None = None


def company_for(
    *,
    registration_type: RegistrationTypeCode,
    ruc: str,
    name: str | None,
    legal_representative_name: str | None,
    legal_representative_identification: str | None,
    taxpayer_status: TaxpayerStatus | None = None,
) -> Company:
    """The company as an operator of `registration_type` sees it."""
    return Company(
        ruc=ruc,
        name=name,
        legal_representative_name=legal_representative_name,
        legal_representative_identification=legal_representative_identification,
        entity_name=name if registration_type in PUBLIC_ENTITY_TYPES else None,
        organization_name=name if registration_type in ORGANIZATION_TYPES else None,
        taxpayer_status=taxpayer_status,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyData:
    """The SRI data of one RUC, as given (a CSV row, a staff mutation, `create-user`)."""

    ruc: str
    name: str | None = None
    legal_representative_name: str | None = None
    legal_representative_identification: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanCompanyData:
    ruc: str
    name: str | None
    legal_representative_name: str | None
    legal_representative_identification: str | None
    # Only a row of the SRI's registry says it (`api.domain.sri_registry`); None: not said.
    taxpayer_status: TaxpayerStatus | None = None


def validate_company_ruc(ruc: str, *, field: str = "companyRuc") -> str:
    """The normalised RUC (python-stdnum's `stdnum.ec.ruc` plus the establishment rule of
    `api.domain.identification`), or DomainError INVALID_IDENTIFICATION."""
    try:
        return normalize_identification(id_type=IdentificationType.RUC, number=ruc)
    except DomainError as error:
        raise DomainError.single(field, ErrorCode.INVALID_IDENTIFICATION) from error


def _legal_representative_identification(value: str) -> str:
    """A cédula, or a passport for a foreign legal representative; the SRI registers either."""
    digits = value.strip()
    id_type = (
        IdentificationType.CEDULA
        if digits.isascii() and digits.isdigit()
        else IdentificationType.PASSPORT
    )
    return normalize_identification(id_type=id_type, number=digits)


COMPANY_FIELDS: Final = (
    "companyRuc",
    "companyName",
    "legalRepresentativeName",
    "legalRepresentativeIdentification",
)


def validate_company_data(data: CompanyData, *, require_name: bool = False) -> CleanCompanyData:
    """Every rule at once; raises DomainError listing all that fail. Blank optional values are
    None. Errors name the fields of `COMPANY_FIELDS` (the inputs of `setOperatorCompany` and the
    options of `create-user`)."""
    ruc_field, name_field, representative_field, representative_id_field = COMPANY_FIELDS
    errors: list[FieldError] = []

    ruc = data.ruc.strip()
    if not ruc:
        errors.append(FieldError(ruc_field, ErrorCode.REQUIRED))
    else:
        try:
            ruc = validate_company_ruc(ruc, field=ruc_field)
        except DomainError as error:
            errors.extend(error.errors)

    name = normalize_name(data.name) if data.name else ""
    if not name and require_name:
        errors.append(FieldError(name_field, ErrorCode.REQUIRED))
    elif len(name) > COMPANY_NAME_MAX_LENGTH:
        errors.append(
            FieldError(name_field, ErrorCode.TOO_LONG, {"max_length": COMPANY_NAME_MAX_LENGTH})
        )

    representative = (
        normalize_name(data.legal_representative_name) if data.legal_representative_name else ""
    )
    if len(representative) > LEGAL_REPRESENTATIVE_NAME_MAX_LENGTH:
        errors.append(
            FieldError(
                representative_field,
                ErrorCode.TOO_LONG,
                {"max_length": LEGAL_REPRESENTATIVE_NAME_MAX_LENGTH},
            )
        )

    representative_id = (data.legal_representative_identification or "").strip()
    if representative_id:
        try:
            representative_id = _legal_representative_identification(representative_id)
        except DomainError:
            errors.append(FieldError(representative_id_field, ErrorCode.INVALID_IDENTIFICATION))

    if errors:
        raise DomainError(errors)
    return CleanCompanyData(
        ruc=ruc,
        name=name or None,
        legal_representative_name=representative or None,
        legal_representative_identification=representative_id or None,
    )


# The types registered with the company's own RUC (SPEC §2: "a Representante de Comercio
# Exterior registered with its company's RUC"; a public entity's representative with its RUC).
OWN_RUC_TYPES: Final = frozenset(
    {
        RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE,
        RegistrationTypeCode.PUBLIC_ENTITY_REPRESENTATIVE,
    }
)
# The types whose form shows a company, entity or organisation (api/domain/forms/registration_types.py).
COMPANY_TYPES: Final = frozenset(
    {
        *OWN_RUC_TYPES,
        RegistrationTypeCode.EMPLOYEE,
        *PUBLIC_ENTITY_TYPES,
        *ORGANIZATION_TYPES,
    }
)


def default_company_ruc(
    *, registration_type: RegistrationTypeCode, identification: str
) -> str | None:
    """The company a registration names without saying so: a representative's own RUC."""
    return identification if registration_type in OWN_RUC_TYPES else None


def company_errors(
    *, registration_type: RegistrationTypeCode, identification: str, company_ruc: str | None
) -> list[FieldError]:
    """Whether an operator of this type and identification may have this company: only the
    company types have one, and a representative's company is the one of its own RUC."""
    if company_ruc is None:
        return []
    if registration_type not in COMPANY_TYPES:
        return [
            FieldError(
                "companyRuc",
                ErrorCode.NOT_ALLOWED,
                {
                    "reason": "este tipo de registro no tiene empresa",
                    "reason_en": "this registration type has no company",
                },
            )
        ]
    if registration_type in OWN_RUC_TYPES and company_ruc != identification:
        return [
            FieldError(
                "companyRuc",
                ErrorCode.NOT_ALLOWED,
                {
                    "reason": "el representante se registra con el RUC de su empresa",
                    "reason_en": "a representative is registered with its company's RUC",
                },
            )
        ]
    return []
