"""The forms of SENAE-ISEE-3-2-010 §5.4–§5.5.1: one definition, served and enforced."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from api.domain import phones, security_codes
from api.domain.emails import EMAIL_MAX_LENGTH, email_key, normalize_email
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.forms import (
    ADDRESS,
    CITY,
    CORE_EDITABLE_FIELDS,
    COUNTRY,
    EMAIL,
    EMAIL_FIELDS,
    FAX,
    INPUT_FIELD_NAMES,
    MOBILE_NUMBER,
    NAME,
    PASSWORD_FIELDS,
    PHONE1,
    PHONE2,
    PROVINCE,
    REGISTRATION_TYPES,
    SECURITY_CODE,
    CatalogLookup,
    CleanForm,
    FieldKind,
    FieldSpec,
    ModifyForm,
    RegistrationTypeSpec,
    clean_modify_form,
    normalize_identification_for,
    permission_error,
    registration_type_spec,
    validate_modify_form,
)
from api.domain.messages import error_message
from api.domain.vocabulary import IdentificationType, MobileCarrierCode, RegistrationTypeCode

GENERAL_USER = registration_type_spec(RegistrationTypeCode.GENERAL_USER)
GOOD_PASSWORD = "tortuga violeta en la playa"
CURRENT_EMAIL = "juan.viejo@mail.ec"
ATTRIBUTES = {name: attribute for attribute, name in INPUT_FIELD_NAMES.items()}


@dataclass(frozen=True)
class StubCatalogs:
    """A test double of the catalog lookups: a few countries, two provinces and their cantons."""

    countries: frozenset[str] = frozenset({"EC", "PE", "CO", "US"})
    cities: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: {
            "09": frozenset({"0901", "0907"}),  # Guayas: Guayaquil, El Empalme
            "17": frozenset({"1701"}),  # Pichincha: Quito
        }
    )

    def has_country(self, code: str) -> bool:
        return code in self.countries

    def has_province(self, code: str) -> bool:
        return code in self.cities

    def has_city(self, code: str) -> bool:
        return any(code in cities for cities in self.cities.values())

    def city_belongs_to_province(self, *, city_code: str, province_code: str) -> bool:
        return city_code in self.cities.get(province_code, frozenset())


CATALOGS: CatalogLookup = StubCatalogs()


def valid_form(**changes: object) -> ModifyForm:
    base = ModifyForm(
        name="Juan Pérez",
        country_code="EC",
        province_code="09",
        city_code="0901",
        address="Av. 9 de Octubre 100 y Malecón",
        phone1="042345678",
        mobile_carrier="CLARO",
        mobile_number="0991234567",
        keep_same_email=False,
        email="juan@mail.ec",
        email_confirmation="juan@mail.ec",
        security_code="AB3D5FGH",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def with_password_change(**changes: object) -> ModifyForm:
    passwords: dict[str, object] = {
        "current_password": "la-clave-de-antes",
        "new_password": GOOD_PASSWORD,
        "new_password_confirmation": GOOD_PASSWORD,
    }
    return valid_form(**{**passwords, **changes})


def form_with(name: str, value: str | None) -> ModifyForm:
    """A valid form whose field `name` holds `value` (the password fields come as a trio)."""
    change = {ATTRIBUTES[name]: value}
    return with_password_change(**change) if name in PASSWORD_FIELDS else valid_form(**change)


def validate(
    form: ModifyForm,
    *,
    spec: RegistrationTypeSpec = GENERAL_USER,
    current_name: str = "Juan Pérez",
    current_email: str | None = None,
) -> tuple[CleanForm | None, list[FieldError]]:
    return validate_modify_form(
        spec=spec,
        form=form,
        current_name=current_name,
        user_id="jperez",
        identification="1714307103001",
        catalogs=CATALOGS,
        current_email=current_email,
    )


def errors_of(form: ModifyForm, **kwargs: object) -> list[FieldError]:
    return validate(form, **kwargs)[1]  # type: ignore[arg-type]


def codes_by_field(form: ModifyForm, **kwargs: object) -> dict[str | None, list[ErrorCode]]:
    result: dict[str | None, list[ErrorCode]] = {}
    for error in errors_of(form, **kwargs):
        result.setdefault(error.field, []).append(error.code)
    return result


FIELDS_WITH_MAX_LENGTH = [spec for spec in CORE_EDITABLE_FIELDS if spec.max_length is not None]
REQUIRED_FIELDS = [
    spec
    for spec in CORE_EDITABLE_FIELDS
    if spec.required and spec.kind is not FieldKind.BOOLEAN and spec.name not in PASSWORD_FIELDS
]
FIELDS_WITH_PATTERN = [spec for spec in CORE_EDITABLE_FIELDS if spec.pattern is not None]


# --- The seven registration types (§5.4) ---------------------------------------------------------


def test_seven_registration_types_in_the_order_and_with_the_names_of_the_procedure() -> None:
    assert [spec.code for spec in REGISTRATION_TYPES] == list(RegistrationTypeCode)
    assert [spec.name_es for spec in REGISTRATION_TYPES] == [
        "Representante de Comercio Exterior",
        "Empleado",
        "Usuario General",
        "Representante de Entidades Públicas",
        "Funcionario de Entidades Públicas",
        "Organismo Internacional",
        "Persona Natural con Discapacidad",
    ]
    for spec in REGISTRATION_TYPES:
        assert registration_type_spec(spec.code) is spec
        assert spec.name_en
        assert spec.description_es
        assert spec.description_en


def test_every_type_shares_the_usuario_general_core_fields() -> None:
    for spec in REGISTRATION_TYPES:
        assert spec.editable_fields == CORE_EDITABLE_FIELDS
        names = [field_spec.name for field_spec in spec.fields]
        assert names[:2] == ["userId", "identification"]
        assert names[-1] == "senaeEmail"
        assert len(names) == len(set(names))


def test_every_input_field_has_exactly_one_spec() -> None:
    editable_names = {spec.name for spec in CORE_EDITABLE_FIELDS}
    assert editable_names == set(INPUT_FIELD_NAMES.values()) - {"expectedVersion"}
    assert set(INPUT_FIELD_NAMES) == {f.name for f in dataclasses.fields(ModifyForm)}


def test_read_only_fields_are_not_editable_nor_required() -> None:
    for spec in REGISTRATION_TYPES:
        for field_spec in spec.fields:
            if field_spec.name not in INPUT_FIELD_NAMES.values():
                assert not field_spec.editable
                assert not field_spec.required


@pytest.mark.parametrize(
    "code",
    [
        RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE,
        RegistrationTypeCode.PUBLIC_ENTITY_REPRESENTATIVE,
    ],
)
def test_representatives_identify_with_ruc_and_see_their_companys_sri_data_read_only(
    code: RegistrationTypeCode,
) -> None:
    spec = registration_type_spec(code)
    assert spec.accepted_documents == (IdentificationType.RUC,)
    for name in ("companyRuc", "companyName", "legalRepresentative"):
        assert not spec.field(name).editable
        assert "SRI" in (spec.field(name).help_es or "")


def test_general_user_accepts_ruc_cedula_and_passport() -> None:
    assert GENERAL_USER.accepted_documents == (
        IdentificationType.RUC,
        IdentificationType.CEDULA,
        IdentificationType.PASSPORT,
    )


def test_person_with_disability_identifies_with_cedula() -> None:
    spec = registration_type_spec(RegistrationTypeCode.PERSON_WITH_DISABILITY)
    assert spec.accepted_documents == (IdentificationType.CEDULA,)
    with pytest.raises(DomainError) as caught:
        normalize_identification_for(
            spec=spec, id_type=IdentificationType.PASSPORT, number="AB12345"
        )
    assert caught.value.errors[0].code is ErrorCode.IDENTIFICATION_NOT_ACCEPTED


def test_international_organization_identifies_with_passport() -> None:
    spec = registration_type_spec(RegistrationTypeCode.INTERNATIONAL_ORGANIZATION)
    assert spec.accepts(IdentificationType.PASSPORT)
    assert not spec.accepts(IdentificationType.RUC)
    assert spec.field("organizationName").editable is False


def test_public_official_sees_its_entity_read_only() -> None:
    spec = registration_type_spec(RegistrationTypeCode.PUBLIC_ENTITY_OFFICIAL)
    assert not spec.field("entityName").editable


def test_employee_may_modify_only_with_the_permission_of_its_company() -> None:
    spec = registration_type_spec(RegistrationTypeCode.EMPLOYEE)
    assert "No está asignado el permiso al usuario" in (spec.notes_es or "")
    assert "SENAE-ISEE-3-2-013" in (spec.notes_es or "")
    assert spec.field("companyRuc").editable is False
    assert permission_error(spec=spec, permission_granted=False) == FieldError(
        None, ErrorCode.PERMISSION_NOT_GRANTED
    )
    assert permission_error(spec=spec, permission_granted=True) is None
    assert permission_error(spec=GENERAL_USER, permission_granted=False) is None


def test_identification_accepted_by_the_type_is_validated_by_its_check_digits() -> None:
    assert (
        normalize_identification_for(
            spec=GENERAL_USER, id_type=IdentificationType.CEDULA, number="171430710-3"
        )
        == "1714307103"
    )
    with pytest.raises(DomainError) as caught:
        normalize_identification_for(
            spec=GENERAL_USER, id_type=IdentificationType.CEDULA, number="1714307104"
        )
    assert caught.value.errors[0].code is ErrorCode.INVALID_IDENTIFICATION


# --- The served specs are what the validator enforces ----------------------------------------------


def test_field_specs_are_well_formed() -> None:
    names = {spec.name for spec in CORE_EDITABLE_FIELDS}
    for spec in CORE_EDITABLE_FIELDS:
        assert spec.label_es
        assert spec.label_en
        if spec.pattern is not None:
            re.compile(spec.pattern)
            assert spec.pattern.startswith("^")
            assert spec.pattern.endswith("$")
            assert spec.format_hint
            assert r"\d" not in spec.pattern  # ASCII digits for every regex engine
        if spec.depends_on is not None:
            assert spec.depends_on.field in names
            assert spec.depends_on.reason_es
            assert spec.depends_on.reason_en
        assert spec.catalog in {None, "countries", "provinces", "cities", "mobileCarriers"}


def test_phone_and_code_specs_serve_the_patterns_of_their_rules() -> None:
    assert PHONE1.pattern == PHONE2.pattern == phones.LANDLINE_PATTERN
    assert FAX.pattern == phones.FAX_PATTERN
    assert MOBILE_NUMBER.pattern == phones.MOBILE_PATTERN
    assert PHONE1.max_length == MOBILE_NUMBER.max_length == FAX.max_length == 14
    assert PHONE1.format_hint == "0XXXXXXXX"
    assert MOBILE_NUMBER.format_hint == "09XXXXXXXX"
    assert SECURITY_CODE.pattern == security_codes.CODE_PATTERN
    assert SECURITY_CODE.max_length == security_codes.CODE_LENGTH
    assert EMAIL.max_length == EMAIL_MAX_LENGTH


def test_province_depends_on_ecuador_and_city_on_province() -> None:
    assert PROVINCE.depends_on is not None
    assert (PROVINCE.depends_on.field, PROVINCE.depends_on.equals) == ("countryCode", "EC")
    assert CITY.depends_on is not None
    assert (CITY.depends_on.field, CITY.depends_on.equals) == ("provinceCode", None)
    assert (COUNTRY.catalog, PROVINCE.catalog, CITY.catalog) == ("countries", "provinces", "cities")


def test_help_texts_carry_the_procedures_instructions() -> None:
    assert "Solo se permiten correcciones de nombres o apellidos mal escritos" in (
        NAME.help_es or ""
    )
    assert "0XXXXXXXX" in (PHONE1.help_es or "")
    assert "no puede ser modificado nuevamente" in (EMAIL.help_es or "")
    assert "15 minutos" in (SECURITY_CODE.help_es or "")
    assert "no deseados" in (SECURITY_CODE.help_es or "")


def test_valid_form_is_accepted() -> None:
    clean, errors = validate(valid_form())
    assert errors == []
    assert clean is not None


@pytest.mark.parametrize("spec", FIELDS_WITH_MAX_LENGTH, ids=lambda spec: spec.name)
def test_one_character_over_the_served_max_length_is_refused_as_too_long(spec: FieldSpec) -> None:
    assert spec.max_length is not None
    over = "A" * (spec.max_length + 1)
    assert errors_of(form_with(spec.name, over)) == [
        FieldError(spec.name, ErrorCode.TOO_LONG, {"max_length": spec.max_length})
    ]
    at_limit = "A" * spec.max_length
    assert ErrorCode.TOO_LONG not in codes_by_field(form_with(spec.name, at_limit)).get(
        spec.name, []
    )


@pytest.mark.parametrize("spec", REQUIRED_FIELDS, ids=lambda spec: spec.name)
def test_blank_required_field_is_refused_as_required(spec: FieldSpec) -> None:
    for blank in (None, "", "   \t "):
        assert errors_of(form_with(spec.name, blank)) == [
            FieldError(spec.name, ErrorCode.REQUIRED, {})
        ]


def test_optional_fields_may_be_blank_and_are_then_none() -> None:
    clean, errors = validate(valid_form(phone2="  ", fax=""))
    assert errors == []
    assert clean is not None
    assert clean.phone2 is None
    assert clean.fax is None


@pytest.mark.parametrize("spec", FIELDS_WITH_PATTERN, ids=lambda spec: spec.name)
def test_value_outside_the_served_pattern_is_refused_with_its_format(spec: FieldSpec) -> None:
    assert errors_of(form_with(spec.name, "?")) == [
        FieldError(spec.name, ErrorCode.INVALID_FORMAT, {"expected": spec.format_hint})
    ]


@pytest.mark.parametrize(
    "name", ["name", "address", "phone1", "email", "securityCode", "countryCode"]
)
def test_control_characters_are_refused_in_text_fields(name: str) -> None:
    errors = errors_of(form_with(name, "a\x00"))
    assert [(error.field, error.code) for error in errors] == [(name, ErrorCode.INVALID_FORMAT)]


def test_every_error_is_reported_at_once_in_the_order_of_the_form() -> None:
    form = valid_form(
        name="Pedro Gómez",
        country_code="PE",
        province_code="09",
        address=" ",
        phone1="0991234567",
        mobile_carrier="NOKIA",
        mobile_number="042345678",
        email="juan@mail.ec",
        email_confirmation="juana@mail.ec",
        security_code="",
        current_password="la-clave-de-antes",
    )
    assert [(error.field, error.code) for error in errors_of(form)] == [
        ("name", ErrorCode.NAME_NOT_A_CORRECTION),
        ("newPassword", ErrorCode.PASSWORD_FIELDS_INCOMPLETE),
        ("newPasswordConfirmation", ErrorCode.PASSWORD_FIELDS_INCOMPLETE),
        ("provinceCode", ErrorCode.NOT_ALLOWED),
        ("cityCode", ErrorCode.NOT_ALLOWED),
        ("address", ErrorCode.REQUIRED),
        ("phone1", ErrorCode.INVALID_FORMAT),
        ("mobileCarrier", ErrorCode.INVALID_CHOICE),
        ("mobileNumber", ErrorCode.INVALID_FORMAT),
        ("emailConfirmation", ErrorCode.MISMATCH),
        ("securityCode", ErrorCode.REQUIRED),
    ]


def test_clean_modify_form_raises_every_error() -> None:
    with pytest.raises(DomainError) as caught:
        clean_modify_form(
            spec=GENERAL_USER,
            form=valid_form(address="", phone1=""),
            current_name="Juan Pérez",
            user_id="jperez",
            identification="1714307103001",
            catalogs=CATALOGS,
        )
    assert [error.field for error in caught.value.errors] == ["address", "phone1"]


# --- Normalisation -------------------------------------------------------------------------------


def test_clean_form_holds_trimmed_and_normalised_values() -> None:
    clean, errors = validate(
        valid_form(
            name="  juan   PÉREZ ",
            country_code=" ec ",
            address="  Av. Quito 123  ",
            mobile_carrier="movistar",
            email=" Juan@MAIL.EC ",
            email_confirmation="juan@mail.ec",
            security_code=" ab3d5fgh ",
            expected_version=7,
        )
    )
    assert errors == []
    assert clean is not None
    assert clean.name == "juan PÉREZ"
    assert clean.country_code == "EC"
    assert clean.address == "Av. Quito 123"
    assert clean.mobile_carrier is MobileCarrierCode.MOVISTAR
    assert clean.email == normalize_email("Juan@mail.ec")
    assert clean.security_code == "AB3D5FGH"
    assert clean.expected_version == 7
    assert clean.email is not None
    assert not clean.changes_password
    assert clean.current_password is None


# --- País, Provincia, Ciudad ---------------------------------------------------------------------


def test_country_must_be_in_the_catalog() -> None:
    assert codes_by_field(valid_form(country_code="XX", province_code=None, city_code=None)) == {
        "countryCode": [ErrorCode.INVALID_CHOICE]
    }


def test_province_is_refused_when_country_is_not_ecuador() -> None:
    errors = errors_of(valid_form(country_code="PE", city_code=None))
    assert len(errors) == 1
    assert errors[0].field == "provinceCode"
    assert errors[0].code is ErrorCode.NOT_ALLOWED
    assert errors[0].params["reason"] == "solo cuando el país es Ecuador"
    assert errors[0].params["reason_en"] == "only when the country is Ecuador"


def test_city_is_refused_when_country_is_not_ecuador() -> None:
    assert codes_by_field(valid_form(country_code="CO", province_code=None)) == {
        "cityCode": [ErrorCode.NOT_ALLOWED]
    }


def test_foreign_country_without_province_and_city_is_accepted() -> None:
    clean, errors = validate(valid_form(country_code="US", province_code=None, city_code=None))
    assert errors == []
    assert clean is not None
    assert clean.province_code is None
    assert clean.city_code is None


def test_province_and_city_are_required_when_country_is_ecuador() -> None:
    assert codes_by_field(valid_form(province_code=None, city_code=None)) == {
        "provinceCode": [ErrorCode.REQUIRED],
        "cityCode": [ErrorCode.REQUIRED],
    }


def test_missing_province_does_not_make_the_city_not_allowed() -> None:
    assert codes_by_field(valid_form(province_code=None)) == {"provinceCode": [ErrorCode.REQUIRED]}


def test_missing_country_leaves_province_and_city_undecided() -> None:
    assert codes_by_field(valid_form(country_code=None)) == {"countryCode": [ErrorCode.REQUIRED]}
    assert codes_by_field(valid_form(country_code=None, province_code=None, city_code=None)) == {
        "countryCode": [ErrorCode.REQUIRED]
    }


def test_province_must_be_in_the_catalog() -> None:
    assert codes_by_field(valid_form(province_code="99", city_code="0901")) == {
        "provinceCode": [ErrorCode.INVALID_CHOICE]
    }


def test_city_must_belong_to_the_chosen_province() -> None:
    errors = errors_of(valid_form(province_code="17", city_code="0901"))
    assert [(error.field, error.code) for error in errors] == [
        ("cityCode", ErrorCode.CITY_NOT_IN_PROVINCE)
    ]
    assert error_message(errors[0]) == "La ciudad elegida no es un cantón de la provincia elegida."
    assert codes_by_field(valid_form(province_code="17", city_code="1701")) == {}


def test_city_must_be_in_the_catalog() -> None:
    assert codes_by_field(valid_form(city_code="0999")) == {"cityCode": [ErrorCode.INVALID_CHOICE]}


# --- Nombre usuario, teléfonos --------------------------------------------------------------------


def test_name_correction_is_accepted() -> None:
    clean, errors = validate(valid_form(name="Juan Pérez López"), current_name="Juan Peres")
    assert errors == []
    assert clean is not None
    assert clean.name == "Juan Pérez López"


def test_completely_different_name_is_refused_with_the_instruction_to_deregister() -> None:
    assert codes_by_field(valid_form(name="María Torres"), current_name="Juan Pérez") == {
        "name": [ErrorCode.NAME_NOT_A_CORRECTION]
    }


def test_mobile_number_in_a_landline_field_is_refused_with_the_landline_format() -> None:
    assert errors_of(valid_form(phone2="0991234567")) == [
        FieldError("phone2", ErrorCode.INVALID_FORMAT, {"expected": "0XXXXXXXX"})
    ]


def test_landline_that_matches_the_pattern_but_cannot_exist_is_refused() -> None:
    assert codes_by_field(valid_form(fax="020123456")) == {"fax": [ErrorCode.INVALID_FORMAT]}


def test_carrier_must_be_one_of_the_procedures() -> None:
    assert codes_by_field(valid_form(mobile_carrier="NOKIA")) == {
        "mobileCarrier": [ErrorCode.INVALID_CHOICE]
    }
    for carrier in MobileCarrierCode:
        assert codes_by_field(valid_form(mobile_carrier=carrier.value.lower())) == {}


def test_mobile_number_is_not_checked_against_the_carrier() -> None:
    # Ported numbers keep their prefix: a 099 number may well be Movistar's now.
    assert codes_by_field(valid_form(mobile_carrier="MOVISTAR", mobile_number="0991234567")) == {}


# --- Correo electrónico ----------------------------------------------------------------------------


def test_new_email_and_confirmation_are_required_when_not_keeping_the_email() -> None:
    assert codes_by_field(valid_form(email=None, email_confirmation=None)) == {
        "email": [ErrorCode.REQUIRED],
        "emailConfirmation": [ErrorCode.REQUIRED],
    }


def test_email_confirmation_must_match() -> None:
    assert errors_of(valid_form(email_confirmation="otro@mail.ec")) == [
        FieldError("emailConfirmation", ErrorCode.MISMATCH, {})
    ]


def test_email_confirmation_may_differ_in_case_only() -> None:
    assert errors_of(valid_form(email="Juan@Mail.ec", email_confirmation="JUAN@MAIL.EC")) == []


def test_invalid_email_is_refused_with_a_spanish_reason() -> None:
    errors = errors_of(valid_form(email="juan.mail.ec", email_confirmation="juan.mail.ec"))
    assert [(error.field, error.code) for error in errors] == [
        ("email", ErrorCode.INVALID_EMAIL),
        ("emailConfirmation", ErrorCode.INVALID_EMAIL),
    ]
    assert errors[0].params["reason"] == "falta el signo @."
    assert errors[0].params["reason_en"]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("juan@localhost", "el dominio (la parte posterior a la @) no es válido."),
        (
            "josé@mail.ec",
            "antes de la @ no se admiten tildes, eñes ni otros caracteres especiales.",
        ),
        ("juan..perez@mail.ec", "hay un punto o guion mal ubicado."),
        ("Juan <juan@mail.ec>", "escriba solo la dirección, sin nombre ni < >."),
        ("juan@ejemplo.test", "el dominio está reservado y no recibe correo."),
    ],
)
def test_email_refusal_reasons_are_short_spanish_phrases(address: str, reason: str) -> None:
    with pytest.raises(DomainError) as caught:
        normalize_email(address, field="emailConfirmation")
    (error,) = caught.value.errors
    assert error.field == "emailConfirmation"
    assert error.code is ErrorCode.INVALID_EMAIL
    assert error.params["reason"] == reason


def test_email_key_ignores_case() -> None:
    assert email_key(normalize_email("Juan@MAIL.ec")) == email_key(normalize_email("juan@mail.ec"))


def test_changing_the_email_to_the_registered_one_is_refused() -> None:
    form = valid_form(email=CURRENT_EMAIL, email_confirmation=CURRENT_EMAIL)
    assert codes_by_field(form, current_email=CURRENT_EMAIL) == {
        "email": [ErrorCode.EMAIL_IS_CURRENT]
    }


def test_keeping_the_email_ignores_blank_email_fields() -> None:
    clean, errors = validate(valid_form(keep_same_email=True, email=None, email_confirmation=""))
    assert errors == []
    assert clean is not None
    assert clean.email is None
    assert clean.email is None


def test_keeping_the_email_ignores_the_registered_address_sent_prefilled() -> None:
    form = valid_form(
        keep_same_email=True, email="JUAN.VIEJO@mail.ec", email_confirmation=CURRENT_EMAIL
    )
    clean, errors = validate(form, current_email=CURRENT_EMAIL)
    assert errors == []
    assert clean is not None
    assert clean.email is None


def test_keeping_the_email_refuses_a_different_address() -> None:
    form = valid_form(
        keep_same_email=True, email="nuevo@mail.ec", email_confirmation="nuevo@mail.ec"
    )
    errors = errors_of(form, current_email=CURRENT_EMAIL)
    assert [(error.field, error.code) for error in errors] == [
        (name, ErrorCode.NOT_ALLOWED) for name in EMAIL_FIELDS
    ]
    assert "«No»" in str(errors[0].params["reason"])


def test_keeping_the_email_refuses_any_address_when_the_registered_one_is_unknown() -> None:
    form = valid_form(keep_same_email=True, email=CURRENT_EMAIL, email_confirmation=None)
    assert codes_by_field(form) == {"email": [ErrorCode.NOT_ALLOWED]}


# --- Contraseña -----------------------------------------------------------------------------------


def test_password_change_with_all_three_fields_is_accepted() -> None:
    clean, errors = validate(with_password_change())
    assert errors == []
    assert clean is not None
    assert clean.changes_password
    assert clean.new_password == GOOD_PASSWORD
    assert clean.current_password == "la-clave-de-antes"


def test_password_is_not_trimmed() -> None:
    spaced = f" {GOOD_PASSWORD} "
    clean, errors = validate(
        with_password_change(new_password=spaced, new_password_confirmation=spaced)
    )
    assert errors == []
    assert clean is not None
    assert clean.new_password == spaced


@pytest.mark.parametrize("missing", PASSWORD_FIELDS)
def test_password_fields_are_all_three_or_none(missing: str) -> None:
    form = with_password_change(**{ATTRIBUTES[missing]: None})
    assert errors_of(form) == [FieldError(missing, ErrorCode.PASSWORD_FIELDS_INCOMPLETE, {})]


def test_new_password_alone_reports_the_two_missing_fields() -> None:
    assert codes_by_field(valid_form(new_password=GOOD_PASSWORD)) == {
        "currentPassword": [ErrorCode.PASSWORD_FIELDS_INCOMPLETE],
        "newPasswordConfirmation": [ErrorCode.PASSWORD_FIELDS_INCOMPLETE],
    }


def test_new_password_confirmation_must_match() -> None:
    form = with_password_change(new_password_confirmation=GOOD_PASSWORD + "!")
    assert errors_of(form) == [FieldError("newPasswordConfirmation", ErrorCode.MISMATCH, {})]


def test_password_policy_applies_to_the_new_password() -> None:
    form = with_password_change(new_password="Ecuador2024", new_password_confirmation="Ecuador2024")
    assert codes_by_field(form) == {"newPassword": [ErrorCode.PASSWORD_TOO_COMMON]}
    form = with_password_change(
        new_password="jperez-es-mi-clave", new_password_confirmation="jperez-es-mi-clave"
    )
    assert codes_by_field(form) == {"newPassword": [ErrorCode.PASSWORD_CONTAINS_IDENTITY]}


def test_current_password_is_not_held_to_the_new_policy() -> None:
    assert errors_of(with_password_change(current_password="123")) == []


# --- Código de seguridad -------------------------------------------------------------------------


def test_security_code_with_look_alike_characters_is_refused_as_malformed() -> None:
    assert errors_of(valid_form(security_code="AB0D5FGH")) == [
        FieldError("securityCode", ErrorCode.INVALID_FORMAT, {"expected": "XXXXXXXX"})
    ]


def test_fields_outside_the_types_form_are_refused() -> None:
    reduced = dataclasses.replace(
        GENERAL_USER, fields=tuple(spec for spec in GENERAL_USER.fields if spec is not FAX)
    )
    assert codes_by_field(valid_form(fax="042345678"), spec=reduced) == {
        "fax": [ErrorCode.NOT_ALLOWED]
    }
    assert codes_by_field(valid_form(fax=None), spec=reduced) == {}


def test_address_is_free_text_up_to_its_max_length() -> None:
    assert ADDRESS.max_length is not None
    text = "Cdla. Kennedy Norte, Mz. 5 # 12 – Ofic. 3 (frente al C.C. ñ)"
    clean, errors = validate(valid_form(address=text))
    assert errors == []
    assert clean is not None
    assert clean.address == text
