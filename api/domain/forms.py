"""The forms of "Modificar información del uso" (SENAE-ISEE-3-2-010 §5.4–§5.5.1), defined once.

Every field's rule — label, required, editable, max length, pattern, catalog, dependency, help —
is a `FieldSpec` here. The API serves these specs (`registrationTypes { fields }`) and
`validate_modify_form` enforces *the same objects*: a client rendering a form from the specs and
the server judging the submission can never disagree.

Decisions the procedure leaves open, taken here:

- Lengths are counted on the trimmed value. Name: 150 characters (a person's four names or an
  organisation's name fit; the registration of users uses the same constant). Address: 250.
  E-mail: 254 (RFC 5321). Phones: 14 digits (§5.5.1). Passwords: 128 (see passwords.py).
- Text fields are trimmed; blank counts as absent (§4.2.2: a blank mandatory field is missing).
  Passwords are not trimmed (a space may be part of them) but blank ones count as absent.
  Control characters and lone surrogates are refused in every field.
- Codes (country, province, city, carrier, security code) are accepted in any case and stored
  upper-case.
- "¿Desea mantener el mismo correo electrónico?" = Sí: the e-mail fields are not used. A client
  may still send them pre-filled with the registered address (the screen shows them filled); such
  values, or blank ones, are ignored. A *different* address is refused with NOT_ALLOWED, because a
  user who typed a new address but left "Sí" selected would otherwise believe it changed. When
  the caller does not pass `current_email`, any address sent with "Sí" is refused.
- The new address and its confirmation are compared by `emails.email_key` (case-insensitive).
- The three password fields go together: some but not all of them gives PASSWORD_FIELDS_INCOMPLETE
  on each missing one (§5.5.1: "Contraseña anterior" activates the other two).
- One error per field for the generic checks (the first that fails: TOO_LONG, control characters,
  pattern, then the field's own rule), every field checked: the user sees everything to fix at
  once. The password policy may add several errors to newPassword.
- What needs I/O is the service's: the e-mail reservation ("Comprobar disponibilidad"), the
  current password, the security code, the record's version, the employee's permission.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Final, Protocol

from api.domain.catalogs import ECUADOR
from api.domain.emails import EMAIL_MAX_LENGTH, email_key, normalize_email
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.identification import normalize_identification
from api.domain.names import has_control_characters, is_name_correction, normalize_name
from api.domain.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from api.domain.passwords import MIN_LENGTH as PASSWORD_MIN_LENGTH
from api.domain.passwords import password_errors
from api.domain.phones import (
    FAX_FORMAT,
    FAX_PATTERN,
    LANDLINE_FORMAT,
    LANDLINE_PATTERN,
    MOBILE_FORMAT,
    MOBILE_PATTERN,
    PHONE_MAX_DIGITS,
    fax_error,
    landline_error,
    mobile_error,
)
from api.domain.security_codes import (
    CODE_FORMAT,
    CODE_LENGTH,
    CODE_PATTERN,
    CODE_TTL_SECONDS,
    normalize_code,
)
from api.domain.vocabulary import IdentificationType, MobileCarrierCode, RegistrationTypeCode

NAME_MAX_LENGTH: Final = 150
ADDRESS_MAX_LENGTH: Final = 250
COUNTRY_CODE_LENGTH: Final = 2
PROVINCE_CODE_LENGTH: Final = 2
CITY_CODE_LENGTH: Final = 4


class FieldKind(StrEnum):
    """What a field holds, so a client can pick the widget."""

    TEXT = "TEXT"
    IDENTIFICATION = "IDENTIFICATION"
    CHOICE = "CHOICE"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    # A widget kind, not a secret.
    PASSWORD = "PASSWORD"  # noqa: S105
    BOOLEAN = "BOOLEAN"
    SECURITY_CODE = "SECURITY_CODE"


@dataclass(frozen=True, slots=True)
class FieldDependency:
    """The field applies only when `field` has a value (`equals` None: its options come from that
    value) or holds exactly `equals` (booleans as "true"/"false"). `reason_es`/`reason_en` say why
    a value is refused when it does not apply."""

    field: str
    equals: str | None
    reason_es: str
    reason_en: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSpec:
    """One field of a registration form.

    `name` is the field of `ModifyOperatorInput` for editable fields, or the `Operator` field shown
    for read-only ones. `required` means mandatory whenever the field applies (see `depends_on`).
    `pattern` (ECMAScript- and Python-compatible) and `max_length` apply to the trimmed value;
    `format_hint` is the locale-neutral format shown when the pattern fails ("0XXXXXXXX").
    `catalog` is the GraphQL query its options come from. `value_path` says where a read-only
    field's value is on `Operator` ("company.ruc"), so that a client fills the form from `me`
    without knowing which field holds what.
    """

    name: str
    label_es: str
    label_en: str
    kind: FieldKind
    required: bool = False
    editable: bool = True
    max_length: int | None = None
    pattern: str | None = None
    format_hint: str | None = None
    catalog: str | None = None
    depends_on: FieldDependency | None = None
    default: str | None = None
    help_es: str | None = None
    help_en: str | None = None
    value_path: str | None = None


# --- The fields of "Modificar información de registro para Usuario General" (§5.5) -------------

USER_ID = FieldSpec(
    name="userId",
    label_es="ID. usuario",
    label_en="User ID",
    kind=FieldKind.TEXT,
    editable=False,
    value_path="userId",
    help_es=(
        "El sistema no permite corregir este campo. Para cambiar el ID. usuario solicite la baja "
        "de este usuario y registre uno nuevo."
    ),
    help_en=(
        "This field cannot be corrected. To change the user ID, request the deregistration of this "
        "user and register a new one."
    ),
)
IDENTIFICATION = FieldSpec(
    name="identification",
    label_es="Doc. identificación",
    label_en="Identification document",
    kind=FieldKind.IDENTIFICATION,
    editable=False,
    value_path="identification.number",
    help_es="El campo se encuentra bloqueado, por tal motivo no puede ser modificado.",
    help_en="This field is locked and cannot be modified.",
)
NAME = FieldSpec(
    name="name",
    label_es="Nombre usuario",
    label_en="User name",
    kind=FieldKind.TEXT,
    required=True,
    max_length=NAME_MAX_LENGTH,
    help_es=(
        "Solo se permiten correcciones de nombres o apellidos mal escritos. Para cambiar "
        "completamente el nombre, solicite la baja de este usuario y registre uno nuevo."
    ),
    help_en=(
        "Only corrections of misspelt names or surnames are accepted. To change the name "
        "completely, request the deregistration of this user and register a new one."
    ),
)
CURRENT_PASSWORD = FieldSpec(
    name="currentPassword",
    label_es="Contraseña anterior",
    label_en="Current password",
    kind=FieldKind.PASSWORD,
    max_length=PASSWORD_MAX_LENGTH,
    help_es=(
        "Solo para cambiar la contraseña: ingrese la contraseña actual; con ella se activan "
        "Contraseña y Confirmación de contraseña."
    ),
    help_en=(
        "Only to change the password: enter the current password; it enables Password and "
        "Password confirmation."
    ),
)
_WITH_CURRENT_PASSWORD = FieldDependency(
    field=CURRENT_PASSWORD.name,
    equals=None,
    reason_es="solo junto con la contraseña anterior",
    reason_en="only together with the current password",
)
NEW_PASSWORD = FieldSpec(
    name="newPassword",
    label_es="Contraseña",
    label_en="New password",
    kind=FieldKind.PASSWORD,
    required=True,
    max_length=PASSWORD_MAX_LENGTH,
    depends_on=_WITH_CURRENT_PASSWORD,
    help_es=(
        f"La nueva contraseña: al menos {PASSWORD_MIN_LENGTH} caracteres; no puede contener su "
        "ID. usuario ni su identificación, ni ser una contraseña común."
    ),
    help_en=(
        f"The new password: at least {PASSWORD_MIN_LENGTH} characters; it may not contain your "
        "user ID or identification, nor be a common password."
    ),
)
NEW_PASSWORD_CONFIRMATION = FieldSpec(
    name="newPasswordConfirmation",
    label_es="Confirmación de contraseña",
    label_en="Password confirmation",
    kind=FieldKind.PASSWORD,
    required=True,
    max_length=PASSWORD_MAX_LENGTH,
    depends_on=_WITH_CURRENT_PASSWORD,
    help_es="Ingrese la contraseña registrada en el campo anterior.",
    help_en="Enter the same password as in the previous field.",
)
COUNTRY = FieldSpec(
    name="countryCode",
    label_es="País",
    label_en="Country",
    kind=FieldKind.CHOICE,
    required=True,
    max_length=COUNTRY_CODE_LENGTH,
    pattern=rf"^[A-Za-z]{{{COUNTRY_CODE_LENGTH}}}$",
    format_hint="XX (ISO 3166-1)",
    catalog="countries",
    help_es="Seleccione el país al que pertenezca este usuario.",
    help_en="Select the country this user belongs to.",
)
PROVINCE = FieldSpec(
    name="provinceCode",
    label_es="Provincia",
    label_en="Province",
    kind=FieldKind.CHOICE,
    required=True,
    max_length=PROVINCE_CODE_LENGTH,
    pattern=rf"^[0-9]{{{PROVINCE_CODE_LENGTH}}}$",
    format_hint="XX (INEC)",
    catalog="provinces",
    depends_on=FieldDependency(
        field=COUNTRY.name,
        equals=ECUADOR,
        reason_es="solo cuando el país es Ecuador",
        reason_en="only when the country is Ecuador",
    ),
    help_es="Solo cuando el país es Ecuador: una de sus 24 provincias.",
    help_en="Only when the country is Ecuador: one of its 24 provinces.",
)
CITY = FieldSpec(
    name="cityCode",
    label_es="Ciudad",
    label_en="City",
    kind=FieldKind.CHOICE,
    required=True,
    max_length=CITY_CODE_LENGTH,
    pattern=rf"^[0-9]{{{CITY_CODE_LENGTH}}}$",
    format_hint="XXXX (INEC)",
    catalog="cities",
    depends_on=FieldDependency(
        field=PROVINCE.name,
        equals=None,
        reason_es="solo cuando el país es Ecuador y se eligió la provincia",
        reason_en="only when the country is Ecuador and a province was chosen",
    ),
    help_es="Las opciones se muestran una vez que se elija la provincia; debe pertenecer a ella.",
    help_en="The options appear once the province is chosen; the city must belong to it.",
)
ADDRESS = FieldSpec(
    name="address",
    label_es="Dirección",
    label_en="Address",
    kind=FieldKind.TEXT,
    required=True,
    max_length=ADDRESS_MAX_LENGTH,
)
_LANDLINE_HELP_ES = (
    f"Debe incluir el código de área. Solo números, hasta {PHONE_MAX_DIGITS}, en formato "
    f"{LANDLINE_FORMAT}; un número del exterior, con 00 y el código del país."
)
_LANDLINE_HELP_EN = (
    f"Include the area code. Digits only, at most {PHONE_MAX_DIGITS}, format {LANDLINE_FORMAT}; "
    "a foreign number with 00 and the country code."
)
PHONE1 = FieldSpec(
    name="phone1",
    label_es="Teléfono1",
    label_en="Phone 1",
    kind=FieldKind.PHONE,
    required=True,
    max_length=PHONE_MAX_DIGITS,
    pattern=LANDLINE_PATTERN,
    format_hint=LANDLINE_FORMAT,
    help_es=_LANDLINE_HELP_ES,
    help_en=_LANDLINE_HELP_EN,
)
PHONE2 = FieldSpec(
    name="phone2",
    label_es="Teléfono2",
    label_en="Phone 2",
    kind=FieldKind.PHONE,
    max_length=PHONE_MAX_DIGITS,
    pattern=LANDLINE_PATTERN,
    format_hint=LANDLINE_FORMAT,
    help_es=_LANDLINE_HELP_ES,
    help_en=_LANDLINE_HELP_EN,
)
MOBILE_CARRIER = FieldSpec(
    name="mobileCarrier",
    label_es="Operadora de telefonía móvil",
    label_en="Mobile carrier",
    kind=FieldKind.CHOICE,
    required=True,
    catalog="mobileCarriers",
    help_es="Seleccione el operador de telefonía móvil.",
    help_en="Select the mobile carrier.",
)
MOBILE_NUMBER = FieldSpec(
    name="mobileNumber",
    label_es="Número de celular",
    label_en="Mobile number",
    kind=FieldKind.PHONE,
    required=True,
    max_length=PHONE_MAX_DIGITS,
    pattern=MOBILE_PATTERN,
    format_hint=MOBILE_FORMAT,
    help_es=(
        f"Número de celular en formato {MOBILE_FORMAT}; solo números, hasta {PHONE_MAX_DIGITS}. "
        "Un número del exterior, con 00 y el código del país."
    ),
    help_en=(
        f"Mobile number in format {MOBILE_FORMAT}; digits only, at most {PHONE_MAX_DIGITS}. A "
        "foreign number with 00 and the country code."
    ),
)
FAX = FieldSpec(
    name="fax",
    label_es="Fax",
    label_en="Fax",
    kind=FieldKind.PHONE,
    max_length=PHONE_MAX_DIGITS,
    pattern=FAX_PATTERN,
    format_hint=FAX_FORMAT,
    help_es=f"Opcional. Con código de área, formato {FAX_FORMAT}.",
    help_en=f"Optional. With the area code, format {FAX_FORMAT}.",
)
KEEP_SAME_EMAIL = FieldSpec(
    name="keepSameEmail",
    label_es="¿Desea mantener el mismo correo electrónico?",
    label_en="Keep the same e-mail address?",
    kind=FieldKind.BOOLEAN,
    required=True,
    default="false",
    help_es=(
        "Sí: se mantiene el correo registrado y el código de seguridad llega a ese correo. No "
        "(predeterminado): ingrese el nuevo correo dos veces y compruebe su disponibilidad."
    ),
    help_en=(
        "Yes: the registered address is kept and the security code goes to it. No (default): "
        "type the new address twice and check its availability."
    ),
)
_WITH_NEW_EMAIL = FieldDependency(
    field=KEEP_SAME_EMAIL.name,
    equals="false",
    reason_es=("eligió mantener el mismo correo electrónico; elija «No» para registrar uno nuevo"),
    reason_en='you chose to keep the same e-mail address; choose "No" to register a new one',
)
EMAIL = FieldSpec(
    name="email",
    label_es="Correo electrónico",
    label_en="E-mail",
    kind=FieldKind.EMAIL,
    required=True,
    max_length=EMAIL_MAX_LENGTH,
    depends_on=_WITH_NEW_EMAIL,
    help_es=(
        "El nuevo correo electrónico. Compruebe su disponibilidad: una vez que se haya verificado "
        "la disponibilidad del correo, este no puede ser modificado nuevamente."
    ),
    help_en=(
        "The new e-mail address. Check its availability: once checked, it cannot be changed again "
        "in this update."
    ),
)
EMAIL_CONFIRMATION = FieldSpec(
    name="emailConfirmation",
    label_es="Confirmación de correo electrónico",
    label_en="E-mail confirmation",
    kind=FieldKind.EMAIL,
    required=True,
    max_length=EMAIL_MAX_LENGTH,
    depends_on=_WITH_NEW_EMAIL,
    help_es="Es necesario que el correo electrónico sea el mismo que el del campo anterior.",
    help_en="It must be the same address as in the previous field.",
)
SECURITY_CODE = FieldSpec(
    name="securityCode",
    label_es="Ingrese código de seguridad",
    label_en="Security code",
    kind=FieldKind.SECURITY_CODE,
    required=True,
    max_length=CODE_LENGTH,
    pattern=CODE_PATTERN,
    format_hint=CODE_FORMAT,
    help_es=(
        "Solicítelo con «Solicitar código de seguridad»: llega en el correo «ACTIVACIÓN DE CORREO "
        f"ELECTRÓNICO», tiene {CODE_LENGTH} letras y números y vence en "
        f"{CODE_TTL_SECONDS // 60} minutos. Se envía al nuevo correo si lo cambia, o al registrado "
        "si lo mantiene; revise también la bandeja de correos no deseados."
    ),
    help_en=(
        'Request it with "Request security code": it arrives in the mail "ACTIVACIÓN DE CORREO '
        f'ELECTRÓNICO", has {CODE_LENGTH} letters and digits and expires after '
        f"{CODE_TTL_SECONDS // 60} minutes. It goes to the new address when you change it, to the "
        "registered one otherwise; check your spam folder too."
    ),
)
SENAE_EMAIL = FieldSpec(
    name="senaeEmail",
    label_es="SENAE correo electrónico",
    label_en="SENAE e-mail",
    kind=FieldKind.EMAIL,
    editable=False,
    value_path="senaeEmail",
    help_es=(
        "El correo otorgado por el SENAE en el registro (<ID.usuario>@correo.aduana.gob.ec); no "
        "puede ser modificado."
    ),
    help_en=(
        "The address SENAE assigned at registration (<user ID>@correo.aduana.gob.ec); it cannot be "
        "modified."
    ),
)

# The core shared by the seven forms, in the order of the screen (§5.5).
CORE_EDITABLE_FIELDS: Final[tuple[FieldSpec, ...]] = (
    NAME,
    CURRENT_PASSWORD,
    NEW_PASSWORD,
    NEW_PASSWORD_CONFIRMATION,
    COUNTRY,
    PROVINCE,
    CITY,
    ADDRESS,
    PHONE1,
    PHONE2,
    MOBILE_CARRIER,
    MOBILE_NUMBER,
    FAX,
    KEEP_SAME_EMAIL,
    EMAIL,
    EMAIL_CONFIRMATION,
    SECURITY_CODE,
)
PASSWORD_FIELDS: Final = (CURRENT_PASSWORD.name, NEW_PASSWORD.name, NEW_PASSWORD_CONFIRMATION.name)
EMAIL_FIELDS: Final = (EMAIL.name, EMAIL_CONFIRMATION.name)


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
            '"Administración de empleado" (SENAE-ISEE-3-2-013); otherwise the system shows "The '
            'permission has not been granted to this user".'
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


# --- Validating a submitted form ----------------------------------------------------------------


class CatalogLookup(Protocol):
    """What the validation needs from the catalogs: membership only."""

    def has_country(self, code: str) -> bool: ...

    def has_province(self, code: str) -> bool: ...

    def has_city(self, code: str) -> bool: ...

    def city_belongs_to_province(self, *, city_code: str, province_code: str) -> bool: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ModifyForm:
    """`ModifyOperatorInput` as submitted (snake_case; `INPUT_FIELD_NAMES` gives the camelCase
    names used in errors)."""

    name: str | None = None
    country_code: str | None = None
    province_code: str | None = None
    city_code: str | None = None
    address: str | None = None
    phone1: str | None = None
    phone2: str | None = None
    mobile_carrier: str
    mobile_number: str | None = None
    fax: str | None = None
    keep_same_email: bool = False
    email: str | None = None
    email_confirmation: str | None = None
    security_code: str | None = None
    current_password: str | None = None
    new_password: str | None = None
    new_password_confirmation: str | None = None
    expected_version: int | None = None


INPUT_FIELD_NAMES: Final[Mapping[str, str]] = {
    "name": "name",
    "country_code": "countryCode",
    "province_code": "provinceCode",
    "city_code": "cityCode",
    "address": "address",
    "phone1": "phone1",
    "phone2": "phone2",
    "mobile_carrier": "mobileCarrier",
    "mobile_number": "mobileNumber",
    "fax": "fax",
    "keep_same_email": "keepSameEmail",
    "email": "email",
    "email_confirmation": "emailConfirmation",
    "security_code": "securityCode",
    "current_password": "currentPassword",
    "new_password": "newPassword",
    "new_password_confirmation": "newPasswordConfirmation",
    "expected_version": "expectedVersion",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanForm:
    """A form that passed every check that needs no I/O, normalised: trimmed text, None for blank
    optional fields, upper-case codes, the normalised new e-mail (None when it is kept), the new
    password only when it changes."""

    name: str
    country_code: str
    province_code: str | None
    city_code: str | None
    address: str
    phone1: str
    phone2: str | None
    mobile_carrier: MobileCarrierCode
    mobile_number: str
    fax: str | None
    keep_same_email: bool
    email: str | None
    security_code: str
    current_password: str | None
    new_password: str | None
    expected_version: int | None

    @property
    def changes_email(self) -> bool:
        return self.email is not None

    @property
    def changes_password(self) -> bool:
        return self.new_password is not None


def validate_modify_form(
    *,
    spec: RegistrationTypeSpec,
    form: ModifyForm,
    current_name: str,
    user_id: str,
    identification: str,
    catalogs: CatalogLookup,
    current_email: str | None = None,
    registered_name: str | None = None,
) -> tuple[CleanForm | None, list[FieldError]]:
    """Every error of the form at once, in the order of the form's fields; the clean form only
    when there is none. `current_email` (the registered address) lets a pre-filled e-mail be
    ignored when the user keeps it, and refuses "changing" to it (EMAIL_IS_CURRENT);
    `registered_name` (the name as originally registered) bounds what corrections add up to."""
    check = _FormCheck(spec=spec, form=form)
    check.shapes()
    check.applicability(current_email=current_email)
    check.catalog_choices(catalogs)
    check.name(current_name, registered_name)
    check.phones()
    check.mobile_carrier()
    check.emails(current_email=current_email)
    check.passwords(user_id=user_id, identification=identification)
    errors = check.ordered_errors()
    if errors:
        return None, errors
    return check.clean(), []


def clean_modify_form(
    *,
    spec: RegistrationTypeSpec,
    form: ModifyForm,
    current_name: str,
    user_id: str,
    identification: str,
    catalogs: CatalogLookup,
    current_email: str | None = None,
    registered_name: str | None = None,
) -> CleanForm:
    """`validate_modify_form`, raising DomainError with every error instead of returning them."""
    clean, errors = validate_modify_form(
        spec=spec,
        form=form,
        current_name=current_name,
        user_id=user_id,
        identification=identification,
        catalogs=catalogs,
        current_email=current_email,
        registered_name=registered_name,
    )
    if clean is None:
        raise DomainError(errors)
    return clean


_CONTROL_CHARACTERS_PARAMS: Final[Mapping[str, object]] = {
    "expected": "texto sin caracteres de control",
    "expected_en": "text without control characters",
}
_NOT_IN_FORM_PARAMS: Final[Mapping[str, object]] = {
    "reason": "no forma parte del formulario de este tipo de registro",
    "reason_en": "not part of this registration type's form",
}
_CARRIER_CODES: Final = frozenset(code.value for code in MobileCarrierCode)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class _FormCheck:
    """The state of one validation: raw input, cleaned values and errors, keyed by input name."""

    def __init__(self, *, spec: RegistrationTypeSpec, form: ModifyForm) -> None:
        self.form = form
        self.fields = {field.name: field for field in spec.editable_fields}
        self.raw: dict[str, str | None] = {}
        for attribute, name in INPUT_FIELD_NAMES.items():
            value = getattr(form, attribute)
            self.raw[name] = value if isinstance(value, str) else None
        self.values: dict[str, str | None] = {}
        self.errors: dict[str, list[FieldError]] = {}

    # -- helpers

    def refuse(
        self, field: str, code: ErrorCode, params: Mapping[str, object] | None = None
    ) -> None:
        self.errors.setdefault(field, []).append(FieldError(field, code, dict(params or {})))

    def present(self, name: str) -> bool:
        raw = self.raw.get(name)
        return raw is not None and raw.strip() != ""

    def ok(self, name: str) -> str | None:
        """The cleaned value of a field without errors, None when absent or in error."""
        if name in self.errors:
            return None
        return self.values.get(name)

    def format_params(self, field: FieldSpec) -> dict[str, object]:
        return {"expected": field.format_hint or field.pattern or ""}

    def refuse_code(self, field: FieldSpec, code: ErrorCode) -> None:
        if code is ErrorCode.TOO_LONG:
            self.refuse(field.name, code, {"max_length": field.max_length})
        else:
            self.refuse(field.name, code, self.format_params(field))

    # -- the generic checks, read from the FieldSpecs

    def shapes(self) -> None:
        for field in self.fields.values():
            if field.kind is FieldKind.BOOLEAN:
                continue
            raw = self.raw.get(field.name)
            if raw is None or not raw.strip():
                self.values[field.name] = None
                continue
            value = raw if field.kind is FieldKind.PASSWORD else raw.strip()
            if field.max_length is not None and len(value) > field.max_length:
                self.refuse(field.name, ErrorCode.TOO_LONG, {"max_length": field.max_length})
            elif has_control_characters(value):
                self.refuse(field.name, ErrorCode.INVALID_FORMAT, _CONTROL_CHARACTERS_PARAMS)
            elif field.pattern is not None and not _compiled(field.pattern).fullmatch(value):
                self.refuse(field.name, ErrorCode.INVALID_FORMAT, self.format_params(field))
            if field.kind is FieldKind.CHOICE:
                value = value.upper()
            elif field.kind is FieldKind.SECURITY_CODE:
                value = normalize_code(value)
            self.values[field.name] = value
        for name in self.raw:
            if name not in self.fields and self.present(name):
                self.refuse(name, ErrorCode.NOT_ALLOWED, _NOT_IN_FORM_PARAMS)

    def applies(self, field: FieldSpec) -> bool | None:
        """Whether the field applies given the others; None when that depends on the value of a
        field that is missing or in error (the field is then only checked for its own format)."""
        dependency = field.depends_on
        if dependency is None:
            return True
        parent = self.fields.get(dependency.field)
        if parent is None:
            return False
        parent_applies = self.applies(parent)
        if parent_applies is not True:
            return parent_applies
        if parent.kind is FieldKind.BOOLEAN:
            parent_value: str | None = "true" if self.form.keep_same_email else "false"
        else:
            parent_value = self.ok(parent.name)
        if parent_value is not None:
            return dependency.equals is None or parent_value == dependency.equals
        if parent.required:
            # The parent will have to be given: a field that only takes its options from it is
            # needed as well; one that depends on its value cannot be judged yet.
            return True if dependency.equals is None else None
        return None if parent.name in self.errors else False

    def applicability(self, *, current_email: str | None) -> None:
        for field in self.fields.values():
            if field.kind is FieldKind.BOOLEAN or field.name in PASSWORD_FIELDS:
                continue
            applies = self.applies(field)
            present = self.present(field.name)
            if applies is True and field.required and not present:
                self.refuse(field.name, ErrorCode.REQUIRED)
            elif applies is False and present:
                self.errors.pop(field.name, None)
                kept = field.name in EMAIL_FIELDS and _same_address(
                    self.raw.get(field.name), current_email
                )
                if not kept:
                    dependency = field.depends_on
                    assert dependency is not None  # a field without one always applies
                    self.refuse(
                        field.name,
                        ErrorCode.NOT_ALLOWED,
                        {"reason": dependency.reason_es, "reason_en": dependency.reason_en},
                    )
            if applies is False:
                self.values[field.name] = None

    # -- the fields' own rules

    def catalog_choices(self, catalogs: CatalogLookup) -> None:
        country = self.ok(COUNTRY.name)
        if country is not None and not catalogs.has_country(country):
            self.refuse(COUNTRY.name, ErrorCode.INVALID_CHOICE)
        province = self.ok(PROVINCE.name)
        if province is not None and not catalogs.has_province(province):
            self.refuse(PROVINCE.name, ErrorCode.INVALID_CHOICE)
            province = None
        city = self.ok(CITY.name)
        if city is None:
            return
        if not catalogs.has_city(city):
            self.refuse(CITY.name, ErrorCode.INVALID_CHOICE)
        elif province is not None and not catalogs.city_belongs_to_province(
            city_code=city, province_code=province
        ):
            self.refuse(CITY.name, ErrorCode.CITY_NOT_IN_PROVINCE)

    def name(self, current_name: str, registered_name: str | None) -> None:
        value = self.ok(NAME.name)
        if value is None:
            return
        proposed = normalize_name(value)
        self.values[NAME.name] = proposed
        if proposed != normalize_name(current_name) and not is_name_correction(
            current=current_name, proposed=proposed, registered=registered_name
        ):
            self.refuse(NAME.name, ErrorCode.NAME_NOT_A_CORRECTION)

    def phones(self) -> None:
        for field, rule in (
            (PHONE1, landline_error),
            (PHONE2, landline_error),
            (FAX, fax_error),
            (MOBILE_NUMBER, mobile_error),
        ):
            value = self.ok(field.name)
            if value is None:
                continue
            code = rule(value)
            if code is not None:
                self.refuse_code(field, code)

    def mobile_carrier(self) -> None:
        value = self.ok(MOBILE_CARRIER.name)
        if value is not None and value not in _CARRIER_CODES:
            self.refuse(MOBILE_CARRIER.name, ErrorCode.INVALID_CHOICE)

    def emails(self, *, current_email: str | None) -> None:
        if self.form.keep_same_email:
            return
        normalized: dict[str, str] = {}
        for field in (EMAIL, EMAIL_CONFIRMATION):
            value = self.ok(field.name)
            if value is None:
                continue
            try:
                normalized[field.name] = normalize_email(value, field=field.name)
            except DomainError as error:
                self.errors.setdefault(field.name, []).extend(error.errors)
        address = normalized.get(EMAIL.name)
        confirmation = normalized.get(EMAIL_CONFIRMATION.name)
        if address is None:
            return
        self.values[EMAIL.name] = address
        if confirmation is not None and email_key(confirmation) != email_key(address):
            self.refuse(EMAIL_CONFIRMATION.name, ErrorCode.MISMATCH)
        if current_email is not None and _same_address(address, current_email):
            self.refuse(EMAIL.name, ErrorCode.EMAIL_IS_CURRENT)

    def passwords(self, *, user_id: str, identification: str) -> None:
        fields = [self.fields[name] for name in PASSWORD_FIELDS if name in self.fields]
        given = [field for field in fields if self.present(field.name)]
        if not given:
            return
        if len(given) < len(fields):
            for field in fields:
                if field not in given:
                    self.refuse(field.name, ErrorCode.PASSWORD_FIELDS_INCOMPLETE)
            return
        new = self.ok(NEW_PASSWORD.name)
        confirmation = self.ok(NEW_PASSWORD_CONFIRMATION.name)
        if new is not None and confirmation is not None and new != confirmation:
            self.refuse(NEW_PASSWORD_CONFIRMATION.name, ErrorCode.MISMATCH)
        if new is not None:
            for error in password_errors(
                password=new, user_id=user_id, identification=identification
            ):
                self.refuse(NEW_PASSWORD.name, error.code, error.params)

    # -- the result

    def ordered_errors(self) -> list[FieldError]:
        order = [*self.fields, *(name for name in self.errors if name not in self.fields)]
        return [error for name in order for error in self.errors.get(name, [])]

    def clean(self) -> CleanForm:
        def required(name: str) -> str:
            value = self.values.get(name)
            assert value is not None, name  # guaranteed by the REQUIRED check
            return value

        changes_password = self.values.get(NEW_PASSWORD.name) is not None
        return CleanForm(
            name=required(NAME.name),
            country_code=required(COUNTRY.name),
            province_code=self.values.get(PROVINCE.name),
            city_code=self.values.get(CITY.name),
            address=required(ADDRESS.name),
            phone1=required(PHONE1.name),
            phone2=self.values.get(PHONE2.name),
            mobile_carrier=MobileCarrierCode(required(MOBILE_CARRIER.name)),
            mobile_number=required(MOBILE_NUMBER.name),
            fax=self.values.get(FAX.name),
            keep_same_email=self.form.keep_same_email,
            email=None if self.form.keep_same_email else self.values.get(EMAIL.name),
            security_code=required(SECURITY_CODE.name),
            current_password=self.values.get(CURRENT_PASSWORD.name) if changes_password else None,
            new_password=self.values.get(NEW_PASSWORD.name),
            expected_version=self.form.expected_version,
        )


def _same_address(value: str | None, current_email: str | None) -> bool:
    if value is None or current_email is None:
        return False
    if email_key(value.strip()) == email_key(current_email.strip()):
        return True
    try:
        return email_key(normalize_email(value)) == email_key(normalize_email(current_email))
    except DomainError:
        return False
