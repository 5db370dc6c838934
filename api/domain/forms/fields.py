"""The fields of the forms (§5.5): each rule of a field, once, as a `FieldSpec`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from api.domain.catalogs import ECUADOR
from api.domain.emails import EMAIL_MAX_LENGTH
from api.domain.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from api.domain.passwords import MIN_LENGTH as PASSWORD_MIN_LENGTH
from api.domain.phones import (
    FAX_FORMAT,
    FAX_PATTERN,
    LANDLINE_FORMAT,
    LANDLINE_PATTERN,
    MOBILE_FORMAT,
    MOBILE_PATTERN,
    PHONE_MAX_DIGITS,
)
from api.domain.security_codes import (
    CODE_FORMAT,
    CODE_LENGTH,
    CODE_PATTERN,
    CODE_TTL_SECONDS,
)

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
    # The query that finds an option by any of the names a user may look for (a canton by a
    # parish or a former name: the procedure's list shows "Chongón" and "Eloy Alfaro").
    search: str | None = None
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
    search="searchCities",
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
