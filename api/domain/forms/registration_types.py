"""The seven registration types' forms (§5.4): which fields each shows, and the read-only
data of the company types, as registered with the SRI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.forms.fields import (
    CORE_EDITABLE_FIELDS,
    IDENTIFICATION,
    SENAE_EMAIL,
    USER_ID,
    FieldKind,
    FieldSpec,
)
from api.domain.identification import normalize_identification
from api.domain.vocabulary import IdentificationType, RegistrationTypeCode

# --- Read-only data of the other registration types ---------------------------------------------

_SRI_HELP_ES = "Según el registro del SRI; no se modifica en esta pantalla."
_SRI_HELP_EN = "As registered with the SRI (tax authority); not modified here."


def _read_only(
    name: str,
    label_es: str,
    label_en: str,
    *,
    value_path: str,
    kind: FieldKind = FieldKind.TEXT,
    help_es: str = _SRI_HELP_ES,
    help_en: str = _SRI_HELP_EN,
) -> FieldSpec:
    return FieldSpec(
        name=name,
        label_es=label_es,
        label_en=label_en,
        kind=kind,
        editable=False,
        help_es=help_es,
        help_en=help_en,
        value_path=value_path,
    )


COMPANY_RUC = _read_only(
    "companyRuc",
    "RUC de la empresa",
    "Company RUC",
    kind=FieldKind.IDENTIFICATION,
    value_path="company.ruc",
)
COMPANY_NAME = _read_only("companyName", "Razón social", "Company name", value_path="company.name")
LEGAL_REPRESENTATIVE = _read_only(
    "legalRepresentative",
    "Representante legal",
    "Legal representative",
    value_path="company.legalRepresentativeName",
)
EMPLOYEE_PERMISSION = _read_only(
    "permissionGranted",
    "Permiso asignado por la empresa",
    "Permission granted by the company",
    kind=FieldKind.BOOLEAN,
    value_path="employeePermission",
    help_es=(
        "La empresa asigna este permiso en «Administración de empleado» (SENAE-ISEE-3-2-013); sin "
        "él no se puede modificar la información."
    ),
    help_en=(
        'The company grants it under "Administración de empleado" (SENAE-ISEE-3-2-013); without it '
        "the information cannot be modified."
    ),
)
ENTITY_NAME = _read_only(
    "entityName",
    "Entidad pública",
    "Public entity",
    value_path="company.entityName",
    help_es="La entidad pública en la que trabaja, según su registro; no se modifica aquí.",
    help_en="The public entity you work for, as registered; not modified here.",
)
ORGANIZATION_NAME = _read_only(
    "organizationName",
    "Organismo internacional",
    "International organisation",
    value_path="company.organizationName",
    help_es="El organismo internacional registrado; no se modifica aquí.",
    help_en="The registered international organisation; not modified here.",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrationTypeSpec:
    """One of the seven forms of §5.4: which documents identify its users and its fields."""

    code: RegistrationTypeCode
    name_es: str
    name_en: str
    description_es: str
    description_en: str
    accepted_documents: tuple[IdentificationType, ...]
    fields: tuple[FieldSpec, ...]
    notes_es: str | None = None
    notes_en: str | None = None
    # An employee may use the form only once its company granted the permission (SENAE-ISEE-3-2-013).
    requires_company_permission: bool = False

    def accepts(self, id_type: IdentificationType) -> bool:
        return id_type in self.accepted_documents

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def editable_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(spec for spec in self.fields if spec.editable)


def _form(*type_fields: FieldSpec) -> tuple[FieldSpec, ...]:
    return (USER_ID, IDENTIFICATION, *type_fields, *CORE_EDITABLE_FIELDS, SENAE_EMAIL)


_REPRESENTATIVE_NOTES_ES = (
    "Los datos de la empresa y de su representante legal se muestran como constan en el SRI; para "
    "corregirlos, actualice su RUC en el SRI."
)
_REPRESENTATIVE_NOTES_EN = (
    "The company's data and its legal representative are shown as registered with the SRI; to "
    "correct them, update the RUC with the SRI."
)

REGISTRATION_TYPES: Final[tuple[RegistrationTypeSpec, ...]] = (
    RegistrationTypeSpec(
        code=RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE,
        name_es="Representante de Comercio Exterior",
        name_en="Foreign trade representative",
        description_es=(
            "Modificar información de registro de Representante de Comercio Exterior: quien "
            "representa a un Operador de Comercio Exterior y se identifica con su RUC."
        ),
        description_en=(
            "Modify the registration of a foreign trade representative: who represents a foreign "
            "trade operator (OCE) and identifies with its RUC."
        ),
        accepted_documents=(IdentificationType.RUC,),
        fields=_form(COMPANY_RUC, COMPANY_NAME, LEGAL_REPRESENTATIVE),
        notes_es=_REPRESENTATIVE_NOTES_ES,
        notes_en=_REPRESENTATIVE_NOTES_EN,
    ),
    RegistrationTypeSpec(
        code=RegistrationTypeCode.EMPLOYEE,
        name_es="Empleado",
        name_en="Employee",
        description_es=(
            "Modificar información de registro de Empleado: la persona que actúa en el Ecuapass a "
            "nombre de una empresa que la registró como su empleado."
        ),
        description_en=(
            "Modify the registration of an employee: a person acting in Ecuapass on behalf of a "
            "company that registered it as its employee."
        ),
        accepted_documents=(IdentificationType.CEDULA, IdentificationType.PASSPORT),
        fields=_form(COMPANY_RUC, COMPANY_NAME, EMPLOYEE_PERMISSION),
        notes_es=(
            "Solo puede usar esta opción cuando la empresa le ha asignado el permiso en "
            "«Administración de empleado» (SENAE-ISEE-3-2-013); de lo contrario el sistema "
            "muestra «No está asignado el permiso al usuario»."
        ),
        notes_en=(
            "This option is available only once the company has granted the permission under "
            '"Administración de empleado" (SENAE-ISEE-3-2-013); otherwise the system shows "You '
            'have not been granted the permission to update your registration data".'
        ),
        requires_company_permission=True,
    ),
    RegistrationTypeSpec(
        code=RegistrationTypeCode.GENERAL_USER,
        name_es="Usuario General",
        name_en="General user",
        description_es=(
            "Modificar información de registro para Usuario General: la persona que accede a la "
            "información pública de comercio exterior (consulta del arancel, Mi página...)."
        ),
        description_en=(
            "Modify the registration of a general user: a person using the public foreign trade "
            "information (tariff lookup, My page...)."
        ),
        accepted_documents=(
            IdentificationType.RUC,
            IdentificationType.CEDULA,
            IdentificationType.PASSPORT,
        ),
        fields=_form(),
    ),
    RegistrationTypeSpec(
        code=RegistrationTypeCode.PUBLIC_ENTITY_REPRESENTATIVE,
        name_es="Representante de Entidades Públicas",
        name_en="Public entity representative",
        description_es=(
            "Modificar información de registro de usuario para Representantes de Entidades "
            "Públicas: quien representa a una entidad pública y se identifica con su RUC."
        ),
        description_en=(
            "Modify the registration of a public entity representative: who represents a public "
            "entity and identifies with its RUC."
        ),
        accepted_documents=(IdentificationType.RUC,),
        fields=_form(COMPANY_RUC, COMPANY_NAME, LEGAL_REPRESENTATIVE),
        notes_es=_REPRESENTATIVE_NOTES_ES,
        notes_en=_REPRESENTATIVE_NOTES_EN,
    ),
    RegistrationTypeSpec(
        code=RegistrationTypeCode.PUBLIC_ENTITY_OFFICIAL,
        name_es="Funcionario de Entidades Públicas",
        name_en="Public entity official",
        description_es=(
            "Modificar información de registro para Funcionarios de Entidades Públicas: el "
            "servidor público que consulta o tramita en el Ecuapass por su entidad."
        ),
        description_en=(
            "Modify the registration of a public entity official: a civil servant using Ecuapass "
            "for its entity."
        ),
        accepted_documents=(IdentificationType.CEDULA,),
        fields=_form(ENTITY_NAME),
    ),
    RegistrationTypeSpec(
        code=RegistrationTypeCode.INTERNATIONAL_ORGANIZATION,
        name_es="Organismo Internacional",
        name_en="International organisation",
        description_es=(
            "Modificar información de registro de usuario para Organismos Internacionales: se "
            "identifica con su pasaporte o el documento propio del organismo."
        ),
        description_en=(
            "Modify the registration of an international organisation: it identifies with a "
            "passport or the organisation's own document."
        ),
        accepted_documents=(IdentificationType.PASSPORT,),
        fields=_form(ORGANIZATION_NAME),
    ),
    RegistrationTypeSpec(
        code=RegistrationTypeCode.PERSON_WITH_DISABILITY,
        name_es="Persona Natural con Discapacidad",
        name_en="Person with a disability",
        description_es=(
            "Modificar registro de usuario para Personas Naturales con Discapacidad: la persona "
            "que tramita exoneraciones (p. ej. de vehículos) y acredita la discapacidad con su "
            "cédula."
        ),
        description_en=(
            "Modify the registration of a person with a disability: who applies for exemptions "
            "(e.g. for vehicles) and proves the disability with its cédula."
        ),
        accepted_documents=(IdentificationType.CEDULA,),
        fields=_form(),
        notes_es="La discapacidad se acredita con la cédula de identidad registrada.",
        notes_en="The disability is proven with the registered identity card (cédula).",
    ),
)
_TYPES_BY_CODE: Final = {spec.code: spec for spec in REGISTRATION_TYPES}


def registration_type_spec(code: RegistrationTypeCode) -> RegistrationTypeSpec:
    return _TYPES_BY_CODE[code]


def normalize_identification_for(
    *, spec: RegistrationTypeSpec, id_type: IdentificationType, number: str
) -> str:
    """The normalised number, or DomainError: IDENTIFICATION_NOT_ACCEPTED when the type does not
    take that document, INVALID_IDENTIFICATION when the number is not valid."""
    if not spec.accepts(id_type):
        raise DomainError.single("identification", ErrorCode.IDENTIFICATION_NOT_ACCEPTED)
    return normalize_identification(id_type=id_type, number=number)


def permission_error(*, spec: RegistrationTypeSpec, permission_granted: bool) -> FieldError | None:
    """PERMISSION_NOT_GRANTED ("No está asignado el permiso al usuario") for an employee whose
    company has not granted the permission; None otherwise."""
    if spec.requires_company_permission and not permission_granted:
        return FieldError(None, ErrorCode.PERMISSION_NOT_GRANTED)
    return None
