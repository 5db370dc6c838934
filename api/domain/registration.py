"""Registering a user (the `create-user` command and the demo data): the identity rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.domain.companies import (
    CleanCompanyData,
    CompanyData,
    company_errors,
    default_company_ruc,
    validate_company_data,
)
from api.domain.emails import normalize_email
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.forms import NAME_MAX_LENGTH, registration_type_spec
from api.domain.identification import normalize_identification
from api.domain.names import normalize_name
from api.domain.passwords import password_errors
from api.domain.vocabulary import IdentificationType, RegistrationTypeCode, Role

# "ID. usuario" (§4.1.4): the name an OCE signs in with; it also forms the SENAE mailbox
# <ID.usuario>@correo.aduana.gob.ec, so only characters valid in a mailbox name are allowed.
USER_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,29}$")


@dataclass(frozen=True, slots=True)
class NewOperator:
    registration_type: RegistrationTypeCode
    identification: str
    user_id: str
    name: str
    email: str
    password: str
    role: Role = Role.USER
    # The company as registered with the SRI (api/domain/companies.py); only the RUC is needed.
    company_ruc: str | None = None
    company_name: str | None = None
    legal_representative_name: str | None = None
    legal_representative_identification: str | None = None


@dataclass(frozen=True, slots=True)
class CleanNewOperator:
    registration_type: RegistrationTypeCode
    identification_type: IdentificationType
    identification_number: str
    user_id: str
    name: str
    email: str
    role: Role
    company: CleanCompanyData | None

    @property
    def company_ruc(self) -> str | None:
        return self.company.ruc if self.company else None


def identification_type_of(
    number: str, accepted: tuple[IdentificationType, ...]
) -> IdentificationType:
    """The document a number is, among those the registration type accepts.

    A 13-digit number is a RUC and a 10-digit one a cédula (their check digits decide whether they
    are valid); anything else can only be a passport.
    """
    digits = number.strip()
    if (
        digits.isascii()
        and digits.isdigit()
        and len(digits) == 13
        and IdentificationType.RUC in accepted
    ):
        return IdentificationType.RUC
    if (
        digits.isascii()
        and digits.isdigit()
        and len(digits) == 10
        and IdentificationType.CEDULA in accepted
    ):
        return IdentificationType.CEDULA
    if IdentificationType.PASSPORT in accepted:
        return IdentificationType.PASSPORT
    raise DomainError.single("identification", ErrorCode.IDENTIFICATION_NOT_ACCEPTED)


def validate_new_operator(new: NewOperator) -> CleanNewOperator:
    """Every identity rule at once; raises DomainError listing all that fail."""
    errors: list[FieldError] = []
    spec = registration_type_spec(new.registration_type)
    identification_type = IdentificationType.PASSPORT
    identification_number = new.identification.strip()
    try:
        identification_type = identification_type_of(new.identification, spec.accepted_documents)
        identification_number = normalize_identification(
            id_type=identification_type, number=new.identification
        )
    except DomainError as error:
        errors.extend(error.errors)

    user_id = new.user_id.strip()
    if not USER_ID_PATTERN.fullmatch(user_id):
        errors.append(
            FieldError(
                "userId",
                ErrorCode.INVALID_FORMAT,
                {
                    "expected": "3 a 30 letras, dígitos, . _ -",
                    "expected_en": "3 to 30 letters, digits, . _ -",
                },
            )
        )

    name = normalize_name(new.name)
    if not name:
        errors.append(FieldError("name", ErrorCode.REQUIRED))
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(FieldError("name", ErrorCode.TOO_LONG, {"max_length": NAME_MAX_LENGTH}))

    email = new.email.strip()
    try:
        email = normalize_email(new.email)
    except DomainError as error:
        errors.extend(error.errors)

    errors.extend(
        FieldError("password", e.code, e.params)
        for e in password_errors(
            password=new.password, user_id=user_id, identification=identification_number
        )
    )

    company: CleanCompanyData | None = None
    identification_valid = not any(e.field == "identification" for e in errors)
    company_ruc = (new.company_ruc or "").strip() or (
        default_company_ruc(
            registration_type=new.registration_type, identification=identification_number
        )
        if identification_valid
        else None
    )
    if company_ruc:
        try:
            company = validate_company_data(
                CompanyData(
                    ruc=company_ruc,
                    name=new.company_name,
                    legal_representative_name=new.legal_representative_name,
                    legal_representative_identification=new.legal_representative_identification,
                )
            )
        except DomainError as error:
            errors.extend(error.errors)
        else:
            errors.extend(
                company_errors(
                    registration_type=new.registration_type,
                    identification=identification_number,
                    company_ruc=company.ruc,
                )
            )
    elif (
        new.company_name or new.legal_representative_name or new.legal_representative_identification
    ):
        errors.append(FieldError("companyRuc", ErrorCode.REQUIRED))

    if errors:
        raise DomainError(errors)
    return CleanNewOperator(
        registration_type=new.registration_type,
        identification_type=identification_type,
        identification_number=identification_number,
        user_id=user_id,
        name=name,
        email=email,
        role=new.role,
        company=company,
    )
