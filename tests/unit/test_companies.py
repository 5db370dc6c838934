"""The company as the SRI registers it: rows of the RUC registry, and who may have which company."""

from __future__ import annotations

import pytest

from api.domain.companies import (
    CompanyData,
    company_errors,
    company_for,
    default_company_ruc,
    validate_company_data,
)
from api.domain.errors import DomainError, ErrorCode
from api.domain.registration import NewOperator, validate_new_operator
from api.domain.sri_registry import (
    delimiter_of,
    header_errors,
    is_main_establishment,
    read_registry_row,
)
from api.domain.vocabulary import RegistrationTypeCode as T

RUC = "1790123456001"
PUBLISHED_HEADER = (
    "NUMERO_RUC|RAZON_SOCIAL|CODIGO_JURISDICCION|ESTADO_CONTRIBUYENTE|CLASE_CONTRIBUYENTE|"
    "FECHA_INICIO_ACTIVIDADES|FECHA_ACTUALIZACION|FECHA_SUSPENSION_DEFINITIVA|"
    "FECHA_REINICIO_ACTIVIDADES|OBLIGADO|TIPO_CONTRIBUYENTE|NUMERO_ESTABLECIMIENTO|"
    "NOMBRE_FANTASIA_COMERCIAL|ESTADO_ESTABLECIMIENTO|DESCRIPCION_PROVINCIA_EST|"
    "DESCRIPCION_CANTON_EST|DESCRIPCION_PARROQUIA_EST|CODIGO_CIIU|ACTIVIDAD_ECONOMICA|"
    "AGENTE_RETENCION|ESPECIAL"
)


def refusal_of(row: dict[str, str | None]) -> list[tuple[str | None, ErrorCode]]:
    with pytest.raises(DomainError) as refused:
        read_registry_row(row)
    return [(e.field, e.code) for e in refused.value.errors]


def test_a_registry_row_gives_the_ruc_and_the_razon_social_trimmed() -> None:
    company = read_registry_row(
        {"NUMERO_RUC": f" {RUC} ", "RAZON_SOCIAL": "  IMPORTADORA   ANDINA S.A. "}
    )
    assert (company.ruc, company.name) == (RUC, "IMPORTADORA ANDINA S.A.")
    assert company.legal_representative_name is None
    assert company.legal_representative_identification is None


def test_a_registry_row_may_carry_the_legal_representative() -> None:
    company = read_registry_row(
        {
            "NUMERO_RUC": RUC,
            "RAZON_SOCIAL": "IMPORTADORA ANDINA S.A.",
            "REPRESENTANTE_LEGAL": "CEVALLOS ORTIZ MARIA FERNANDA",
            "IDENTIFICACION_REPRESENTANTE_LEGAL": "1718463027",
        }
    )
    assert company.legal_representative_name == "CEVALLOS ORTIZ MARIA FERNANDA"
    assert company.legal_representative_identification == "1718463027"


@pytest.mark.parametrize(
    "ruc",
    ["1790123456002", "1790123457001", "179012345600", "17901234560011", "ABCDEFGHIJ001"],
    ids=["not-main-establishment", "check-digit", "too-short", "too-long", "letters"],
)
def test_a_ruc_that_python_stdnum_or_the_establishment_rule_refuses_is_refused(ruc: str) -> None:
    assert refusal_of({"NUMERO_RUC": ruc, "RAZON_SOCIAL": "X S.A."}) == [
        ("NUMERO_RUC", ErrorCode.INVALID_IDENTIFICATION)
    ]


def test_every_error_of_a_row_is_reported_under_its_column() -> None:
    assert refusal_of(
        {
            "NUMERO_RUC": "",
            "RAZON_SOCIAL": " ",
            "IDENTIFICACION_REPRESENTANTE_LEGAL": "1718463028",
        }
    ) == [
        ("NUMERO_RUC", ErrorCode.REQUIRED),
        ("RAZON_SOCIAL", ErrorCode.REQUIRED),
        ("IDENTIFICACION_REPRESENTANTE_LEGAL", ErrorCode.INVALID_IDENTIFICATION),
    ]


def test_a_razon_social_over_300_characters_is_refused() -> None:
    assert refusal_of({"NUMERO_RUC": RUC, "RAZON_SOCIAL": "A" * 301}) == [
        ("RAZON_SOCIAL", ErrorCode.TOO_LONG)
    ]


@pytest.mark.parametrize(("number", "main"), [("1", True), ("001", True), ("", True), ("2", False)])
def test_only_the_main_establishment_names_the_company(number: str, main: bool) -> None:
    assert is_main_establishment({"NUMERO_ESTABLECIMIENTO": number}) is main


def test_a_file_with_one_row_per_ruc_and_no_establishment_column_is_all_main() -> None:
    assert is_main_establishment({"NUMERO_RUC": RUC}) is True


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("\ufeff" + PUBLISHED_HEADER, "|"),
        ("NUMERO_RUC,RAZON_SOCIAL", ","),
        ('"NUMERO_RUC";"RAZON_SOCIAL"', ";"),
        ("NUMERO_RUC\tRAZON_SOCIAL", "\t"),
    ],
    ids=["published-with-bom", "comma", "semicolon-quoted", "tab"],
)
def test_the_delimiter_is_the_one_that_splits_the_header(header: str, delimiter: str) -> None:
    assert delimiter_of(header) == delimiter


def test_the_published_header_has_every_needed_column() -> None:
    assert header_errors(PUBLISHED_HEADER.split("|")) == []


def test_a_header_without_numero_ruc_or_razon_social_names_what_is_missing() -> None:
    assert [(e.field, e.code) for e in header_errors(["RUC", "NOMBRE"])] == [
        ("NUMERO_RUC", ErrorCode.REQUIRED),
        ("RAZON_SOCIAL", ErrorCode.REQUIRED),
    ]


def test_a_foreign_legal_representative_may_have_a_passport() -> None:
    clean = validate_company_data(
        CompanyData(ruc=RUC, name="X S.A.", legal_representative_identification="ya4821937")
    )
    assert clean.legal_representative_identification == "YA4821937"


@pytest.mark.parametrize("registration_type", [T.GENERAL_USER, T.PERSON_WITH_DISABILITY])
def test_the_types_without_a_company_form_field_have_no_company(
    registration_type: T,
) -> None:
    errors = company_errors(
        registration_type=registration_type, identification="0912345675001", company_ruc=RUC
    )
    assert [(e.field, e.code) for e in errors] == [("companyRuc", ErrorCode.NOT_ALLOWED)]


@pytest.mark.parametrize(
    "registration_type", [T.FOREIGN_TRADE_REPRESENTATIVE, T.PUBLIC_ENTITY_REPRESENTATIVE]
)
def test_a_representatives_company_is_the_one_of_its_own_ruc(registration_type: T) -> None:
    assert (
        company_errors(registration_type=registration_type, identification=RUC, company_ruc=RUC)
        == []
    )
    other = company_errors(
        registration_type=registration_type, identification="1760001200001", company_ruc=RUC
    )
    assert [(e.field, e.code) for e in other] == [("companyRuc", ErrorCode.NOT_ALLOWED)]
    assert default_company_ruc(registration_type=registration_type, identification=RUC) == RUC


@pytest.mark.parametrize(
    "registration_type", [T.EMPLOYEE, T.PUBLIC_ENTITY_OFFICIAL, T.INTERNATIONAL_ORGANIZATION]
)
def test_employees_officials_and_organisations_name_their_company(registration_type: T) -> None:
    assert (
        company_errors(
            registration_type=registration_type, identification="1704567898", company_ruc=RUC
        )
        == []
    )
    assert (
        default_company_ruc(registration_type=registration_type, identification="1704567898")
        is None
    )


@pytest.mark.parametrize(
    ("registration_type", "entity", "organization"),
    [
        (T.FOREIGN_TRADE_REPRESENTATIVE, None, None),
        (T.EMPLOYEE, None, None),
        (T.PUBLIC_ENTITY_REPRESENTATIVE, "EP", None),
        (T.PUBLIC_ENTITY_OFFICIAL, "EP", None),
        (T.INTERNATIONAL_ORGANIZATION, None, "EP"),
    ],
)
def test_the_public_and_international_types_see_the_razon_social_as_entity_or_organisation(
    registration_type: T, entity: str | None, organization: str | None
) -> None:
    company = company_for(
        registration_type=registration_type,
        ruc=RUC,
        name="EP",
        legal_representative_name=None,
        legal_representative_identification=None,
    )
    assert (company.entity_name, company.organization_name) == (entity, organization)


def new_operator(**overrides: object) -> NewOperator:
    values: dict[str, object] = {
        "registration_type": T.FOREIGN_TRADE_REPRESENTATIVE,
        "identification": RUC,
        "user_id": "REPRE01",
        "name": "María Fernanda Cevallos Ortiz",
        "email": "repre@empresa.example",
        "password": "Clave-Segura-2027",
    }
    values.update(overrides)
    return NewOperator(**values)  # type: ignore[arg-type]


def test_a_representative_registered_without_a_company_ruc_gets_the_company_of_its_ruc() -> None:
    clean = validate_new_operator(new_operator())
    assert clean.company is not None
    assert clean.company.ruc == RUC


def test_company_data_without_a_company_ruc_is_refused_at_registration() -> None:
    with pytest.raises(DomainError) as refused:
        validate_new_operator(
            new_operator(
                registration_type=T.EMPLOYEE, identification="1704567898", company_name="X"
            )
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("companyRuc", ErrorCode.REQUIRED)]
