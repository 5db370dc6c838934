"""Validating a submitted form against the same `FieldSpec`s the API serves (see the package)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Final, Protocol

from api.domain.emails import email_key, normalize_email
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.forms.fields import (
    ADDRESS,
    CITY,
    COUNTRY,
    CURRENT_PASSWORD,
    EMAIL,
    EMAIL_CONFIRMATION,
    EMAIL_FIELDS,
    FAX,
    MOBILE_CARRIER,
    MOBILE_NUMBER,
    NAME,
    NEW_PASSWORD,
    NEW_PASSWORD_CONFIRMATION,
    PASSWORD_FIELDS,
    PHONE1,
    PHONE2,
    PROVINCE,
    SECURITY_CODE,
    FieldKind,
    FieldSpec,
)
from api.domain.forms.registration_types import (
    RegistrationTypeSpec,
)
from api.domain.names import has_control_characters, is_name_correction, normalize_name
from api.domain.passwords import password_errors
from api.domain.phones import (
    fax_error,
    landline_error,
    mobile_error,
)
from api.domain.security_codes import (
    normalize_code,
)
from api.domain.vocabulary import MobileCarrierCode

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
