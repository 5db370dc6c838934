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

The package: `fields` (every field's spec), `registration_types` (the seven forms made of them)
and `validation` (the engine judging a submission by those very specs)."""

from api.domain.forms.fields import (
    ADDRESS,
    ADDRESS_MAX_LENGTH,
    CITY,
    CITY_CODE_LENGTH,
    CORE_EDITABLE_FIELDS,
    COUNTRY,
    COUNTRY_CODE_LENGTH,
    CURRENT_PASSWORD,
    EMAIL,
    EMAIL_CONFIRMATION,
    EMAIL_FIELDS,
    FAX,
    IDENTIFICATION,
    KEEP_SAME_EMAIL,
    MOBILE_CARRIER,
    MOBILE_NUMBER,
    NAME,
    NAME_MAX_LENGTH,
    NEW_PASSWORD,
    NEW_PASSWORD_CONFIRMATION,
    PASSWORD_FIELDS,
    PHONE1,
    PHONE2,
    PROVINCE,
    PROVINCE_CODE_LENGTH,
    SECURITY_CODE,
    SENAE_EMAIL,
    USER_ID,
    FieldDependency,
    FieldKind,
    FieldSpec,
)
from api.domain.forms.registration_types import (
    COMPANY_NAME,
    COMPANY_RUC,
    EMPLOYEE_PERMISSION,
    ENTITY_NAME,
    LEGAL_REPRESENTATIVE,
    ORGANIZATION_NAME,
    REGISTRATION_TYPES,
    RegistrationTypeSpec,
    normalize_identification_for,
    permission_error,
    registration_type_spec,
)
from api.domain.forms.validation import (
    INPUT_FIELD_NAMES,
    CatalogLookup,
    CleanForm,
    ModifyForm,
    clean_modify_form,
    validate_modify_form,
)

__all__ = [
    "ADDRESS",
    "ADDRESS_MAX_LENGTH",
    "CITY",
    "CITY_CODE_LENGTH",
    "COMPANY_NAME",
    "COMPANY_RUC",
    "CORE_EDITABLE_FIELDS",
    "COUNTRY",
    "COUNTRY_CODE_LENGTH",
    "CURRENT_PASSWORD",
    "EMAIL",
    "EMAIL_CONFIRMATION",
    "EMAIL_FIELDS",
    "EMPLOYEE_PERMISSION",
    "ENTITY_NAME",
    "FAX",
    "IDENTIFICATION",
    "INPUT_FIELD_NAMES",
    "KEEP_SAME_EMAIL",
    "LEGAL_REPRESENTATIVE",
    "MOBILE_CARRIER",
    "MOBILE_NUMBER",
    "NAME",
    "NAME_MAX_LENGTH",
    "NEW_PASSWORD",
    "NEW_PASSWORD_CONFIRMATION",
    "ORGANIZATION_NAME",
    "PASSWORD_FIELDS",
    "PHONE1",
    "PHONE2",
    "PROVINCE",
    "PROVINCE_CODE_LENGTH",
    "REGISTRATION_TYPES",
    "SECURITY_CODE",
    "SENAE_EMAIL",
    "USER_ID",
    "CatalogLookup",
    "CleanForm",
    "FieldDependency",
    "FieldKind",
    "FieldSpec",
    "ModifyForm",
    "RegistrationTypeSpec",
    "clean_modify_form",
    "normalize_identification_for",
    "permission_error",
    "registration_type_spec",
    "validate_modify_form",
]
