"""GraphQL enums mirroring the domain's vocabularies, each value described for GraphiQL.

The members are built from the domain enums, so the two can never disagree; a missing
description fails at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import Any

import strawberry

from api.domain import messages
from api.domain.catalogs import PlaceNameKind
from api.domain.certificate_holders import CertificateKind, CertificateLayout
from api.domain.changes import EventType
from api.domain.companies import TaxpayerStatus
from api.domain.errors import ErrorCode, FieldError
from api.domain.forms import FieldKind
from api.domain.lifecycle import AnnualUpdateStatus, AnnualUpdateStep, DeregistrationStatus
from api.domain.signing_rights import SigningCapacity
from api.domain.vocabulary import (
    IdentificationType,
    MobileCarrierCode,
    OperatorStatus,
    RegistrationTypeCode,
    Role,
)


def mirror(domain: type[StrEnum], *, name: str, description: str, values: Mapping[str, str]) -> Any:
    members = {
        member.name: strawberry.enum_value(member.value, description=values[member.name])
        for member in domain
    }
    # The functional Enum API builds the class at run time, which the type checker cannot follow.
    enum_class: Any = Enum(name, members)  # type: ignore[misc]
    return strawberry.enum(enum_class, description=description)


UserErrorCode = mirror(
    ErrorCode,
    name="UserErrorCode",
    description="Why an operation was refused. `UserError.message` explains it in the caller's language.",
    # The Spanish message of each code is its description: one catalog, no second wording.
    values={code.name: messages.error_message(FieldError(None, code)) for code in ErrorCode},
)

RegistrationTypeCodeEnum = mirror(
    RegistrationTypeCode,
    name="RegistrationTypeCode",
    description='The seven forms of "Modificar información del uso" (SENAE-ISEE-3-2-010 §5.4), in that order.',
    values={
        "FOREIGN_TRADE_REPRESENTATIVE": "1. Representante de Comercio Exterior.",
        "EMPLOYEE": "2. Empleado (needs its company's permission, SENAE-ISEE-3-2-013).",
        "GENERAL_USER": "3. Usuario General (the form SENAE-ISEE-3-2-010 details).",
        "PUBLIC_ENTITY_REPRESENTATIVE": "4. Representante de Entidades Públicas.",
        "PUBLIC_ENTITY_OFFICIAL": "5. Funcionario de Entidades Públicas.",
        "INTERNATIONAL_ORGANIZATION": "6. Organismo Internacional.",
        "PERSON_WITH_DISABILITY": "7. Persona Natural con Discapacidad.",
    },
)

IdentificationTypeEnum = mirror(
    IdentificationType,
    name="IdentificationType",
    description='The document of "Doc. identificación" (read-only on every form).',
    values={
        "RUC": "Registro Único de Contribuyentes: 13 digits with check digit.",
        "CEDULA": "Cédula de ciudadanía: 10 digits with check digit.",
        "PASSPORT": "Passport (foreign persons and international organizations).",
    },
)

RoleEnum = mirror(
    Role,
    name="Role",
    description="What a signed-in person may do.",
    values={
        "USER": "An operator: reads and changes only its own registration.",
        "STAFF": "Customs staff: reviews requests and reads any registration.",
    },
)

OperatorStatusEnum = mirror(
    OperatorStatus,
    name="OperatorStatus",
    description="Whether the user ID may sign in.",
    values={
        "ACTIVE": "The user ID is enabled.",
        "DISABLED": "The user ID is disabled (deregistered, or the yearly update was missed).",
    },
)

MobileCarrierCodeEnum = mirror(
    MobileCarrierCode,
    name="MobileCarrierCode",
    description='The mobile carriers of the "Celular" field (§5.5.1).',
    values={
        "CLARO": "Claro.",
        "MOVISTAR": "Movistar.",
        "CNT": "CNT (Corporación Nacional de Telecomunicaciones).",
        "TUENTI": "Tuenti.",
        "OTROS": "Any other carrier.",
    },
)

FieldKindEnum = mirror(
    FieldKind,
    name="FieldKind",
    description="What a form field holds, so that a client can pick the widget.",
    values={
        "TEXT": 'Free text, trimmed (e.g. "Nombre usuario", "Dirección").',
        "IDENTIFICATION": "An identification number (RUC, cédula or passport); read-only on every form.",
        "CHOICE": "One option of the catalog named by `FieldSpec.catalog` (send its `code`).",
        "PHONE": "A phone number: digits only, area code included (§5.5.1).",
        "EMAIL": "An e-mail address.",
        "PASSWORD": "A password: not trimmed, never shown back.",
        "BOOLEAN": 'A yes/no choice (e.g. "¿Desea mantener el mismo correo electrónico?").',
        "SECURITY_CODE": 'The code sent by "Solicitar código de seguridad" (letters and digits).',
    },
)

AnnualUpdateStatusEnum = mirror(
    AnnualUpdateStatus,
    name="AnnualUpdateStatus",
    description="Where an operator stands with the yearly update (resolution SENAE-DGN-2016-0364-RE).",
    values={
        "UP_TO_DATE": (
            "This year's update is done in January (or not owed: registered after last January, "
            "a registration type the duty does not cover, or an employee without its company's "
            "permission)."
        ),
        "COMPLETED_LATE": (
            "This year's update was completed after January: it counts for the year, the user ID "
            "is not disabled for it."
        ),
        "DUE": "January, and this year's update is not done yet.",
        "OVERDUE": "January is over and the update was not done; the user ID will be disabled.",
        "DISABLED": "The user ID is disabled.",
    },
)

PlaceNameKindEnum = mirror(
    PlaceNameKind,
    name="PlaceNameKind",
    description="Which of a canton's names a city search matched.",
    values={
        "CANTON": "The canton's own name (or the other name INEC gives it in parentheses).",
        "PARISH": (
            "One of its parishes, or the former or other name INEC gives a parish in parentheses "
            '(e.g. "Chongón" of Guayaquil, "Eloy Alfaro" of Durán).'
        ),
    },
)

AnnualUpdateStepEnum = mirror(
    AnnualUpdateStep,
    name="AnnualUpdateStep",
    description=(
        "A step of the yearly update still to do, in the guide's order: the update, then the "
        "agreement signed after it."
    ),
    values={
        "MODIFY": "A successful `modify` this year (the guide's steps 4-5).",
        "SIGN_AGREEMENT": "`signAgreement` after that update, with the TOKEN (the guide's step 6).",
    },
)

DeregistrationStatusEnum = mirror(
    DeregistrationStatus,
    name="DeregistrationStatus",
    description='The state of a "Solicitud de baja" (§5.8).',
    values={
        "PENDING": "Awaiting customs staff's review.",
        "APPROVED": "Approved: the user ID was disabled.",
        "REJECTED": "Rejected by customs staff, with a reason.",
        "WITHDRAWN": "Withdrawn by the user before it was decided.",
    },
)

OperatorEventTypeEnum = mirror(
    EventType,
    name="OperatorEventType",
    description="What happened to a registration.",
    values={
        "OPERATOR_REGISTERED": "A user was registered.",
        "OPERATOR_UPDATED": '"Modificar" succeeded (with the fields it changed; maybe none: the yearly confirmation).',
        "EMAIL_CHANGED": "The personal e-mail address changed.",
        "PASSWORD_CHANGED": "The password changed (never its value).",
        "PASSWORD_RESET": 'The password was reset with an e-mailed code ("REINICIAR CLAVE"; never its value).',
        "AGREEMENT_SIGNED": "The electronic-channels agreement was signed.",
        "DEREGISTRATION_REQUESTED": 'A "Solicitud de baja" was made.',
        "DEREGISTRATION_DECIDED": "A deregistration request was approved, rejected or withdrawn.",
        "OPERATOR_DISABLED": "The user ID was disabled (deregistration, yearly update).",
        "OPERATOR_REACTIVATED": "Staff enabled the user ID again.",
    },
)

CertificateKindEnum = mirror(
    CertificateKind,
    name="CertificateKind",
    description=(
        "What the certification authority certifies about the holder, read from the "
        "certificate's policies (each accredited CA numbers its kinds its own way)."
    ),
    values={
        "NATURAL_PERSON": "Persona natural: the person alone.",
        "LEGAL_REPRESENTATIVE": "Representante legal: the person as its company's legal representative.",
        "COMPANY_MEMBER": "Miembro de empresa: the person as a member of its company.",
        "LEGAL_ENTITY": (
            "Persona jurídica (older certificates): a person acting for its company, with the "
            "company's RUC."
        ),
        "PUBLIC_OFFICIAL": "Funcionario público: a person acting for a public institution.",
        "ELECTRONIC_SEAL": "Sello electrónico or time stamping: no person's key.",
        "UNSPECIFIED": "No policy of a known CA: taken only as the person its cédula names.",
    },
)

CertificateLayoutEnum = mirror(
    CertificateLayout,
    name="CertificateLayout",
    description="Where the certificate names its holder.",
    values={
        "SUBJECT": "The subject's attributes (resolution ARCOTEL-2024-0176).",
        "EXTENSIONS": "The CA's private extensions (PEN.3.1 cédula, PEN.3.11 RUC, ...).",
    },
)

SigningCapacityEnum = mirror(
    SigningCapacity,
    name="SigningCapacity",
    description="In what capacity the certificate's holder signed for the operator.",
    values={
        "HOLDER_ITSELF": "The certificate names the operator itself (cédula, RUC or passport).",
        "FOR_ORGANIZATION": (
            "A legal representative's or company member's certificate naming the RUC the "
            "operator is registered with."
        ),
        "REGISTERED_LEGAL_REPRESENTATIVE": (
            "A natural-person certificate of the legal representative registered for the company."
        ),
    },
)

TaxpayerStatusEnum = mirror(
    TaxpayerStatus,
    name="TaxpayerStatus",
    description=(
        "The company's state in the SRI's RUC registry (ESTADO_CONTRIBUYENTE), as the last "
        "import of the registry read it. Only a company whose RUC is ACTIVE signs the "
        "electronic-channels agreement."
    ),
    values={
        "ACTIVE": "ACTIVO: the taxpayer carries on its activities.",
        "SUSPENDED": (
            "SUSPENDIDO: the RUC is suspended (activities ceased, temporarily or for good); the "
            "company cannot sign the agreement until the SRI shows it active again."
        ),
        "PASSIVE": (
            "PASIVO: the RUC is no longer active in the registry; the company cannot sign the "
            "agreement until the SRI shows it active again."
        ),
    },
)
