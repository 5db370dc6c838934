"""The seven forms of "Modificar información del uso" (SENAE-ISEE-3-2-010 §5.4) and the documents
of "Doc. identificación", through the GraphQL endpoint: everything a client needs to render any
form without hard-coding it, in Spanish and in English."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.conftest import Api

ENGLISH = {"Accept-Language": "en"}
FIELD = """
  name label kind required editable maxLength pattern formatHint catalog
  dependsOn { field equals reason } default help
"""
TYPE = f"""
  code name description notes requiresCompanyPermission
  acceptedDocuments {{ code name }}
  fields {{ {FIELD} }}
"""
ALL_TYPES = f"{{ registrationTypes {{ {TYPE} }} }}"
ONE_TYPE = f"query($code: RegistrationTypeCode!) {{ registrationType(code: $code) {{ {TYPE} }} }}"
ORDER = [
    "FOREIGN_TRADE_REPRESENTATIVE",
    "EMPLOYEE",
    "GENERAL_USER",
    "PUBLIC_ENTITY_REPRESENTATIVE",
    "PUBLIC_ENTITY_OFFICIAL",
    "INTERNATIONAL_ORGANIZATION",
    "PERSON_WITH_DISABILITY",
]
CORE_FIELDS = [
    "name",
    "currentPassword",
    "newPassword",
    "newPasswordConfirmation",
    "countryCode",
    "provinceCode",
    "cityCode",
    "address",
    "phone1",
    "phone2",
    "mobileCarrier",
    "mobileNumber",
    "fax",
    "keepSameEmail",
    "email",
    "emailConfirmation",
    "securityCode",
]


async def one_type(api: Api, code: str, **kwargs: Any) -> dict[str, Any]:
    registration_type: dict[str, Any] = (await api.data(ONE_TYPE, {"code": code}, **kwargs))[
        "registrationType"
    ]
    return registration_type


def fields_by_name(registration_type: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {field["name"]: field for field in registration_type["fields"]}


def documents(registration_type: dict[str, Any]) -> list[str]:
    return [document["code"] for document in registration_type["acceptedDocuments"]]


# The seven types -----------------------------------------------------------------------------------


async def test_seven_registration_types_in_the_order_of_section_5_4_named_in_spanish(
    api: Api,
) -> None:
    types = (await api.data(ALL_TYPES))["registrationTypes"]
    assert [t["code"] for t in types] == ORDER
    assert [t["name"] for t in types] == [
        "Representante de Comercio Exterior",
        "Empleado",
        "Usuario General",
        "Representante de Entidades Públicas",
        "Funcionario de Entidades Públicas",
        "Organismo Internacional",
        "Persona Natural con Discapacidad",
    ]
    for registration_type in types:
        assert registration_type["description"]
        assert registration_type["fields"]


async def test_registration_types_are_named_in_english_with_accept_language_en(api: Api) -> None:
    types = (await api.data(ALL_TYPES, headers=ENGLISH))["registrationTypes"]
    assert [t["code"] for t in types] == ORDER
    assert types[1]["name"] == "Employee"
    assert types[2]["name"] == "General user"
    assert types[2]["description"].startswith("Modify the registration of a general user")


@pytest.mark.parametrize("code", ORDER)
async def test_registration_type_by_code_is_the_same_as_in_the_list(api: Api, code: str) -> None:
    listed = {t["code"]: t for t in (await api.data(ALL_TYPES))["registrationTypes"]}
    assert await one_type(api, code) == listed[code]


async def test_unknown_registration_type_code_is_a_validation_error_not_a_crash(api: Api) -> None:
    body = await api.post(ONE_TYPE, {"code": "ADMIN"})
    assert body.get("data") is None
    assert "RegistrationTypeCode" in body["errors"][0]["message"]


@pytest.mark.parametrize("code", ORDER)
async def test_every_form_shows_read_only_data_around_the_shared_core_fields(
    api: Api, code: str
) -> None:
    registration_type = await one_type(api, code)
    names = [field["name"] for field in registration_type["fields"]]
    editable = [field["name"] for field in registration_type["fields"] if field["editable"]]
    assert names[:2] == ["userId", "identification"]
    assert names[-1] == "senaeEmail"
    assert editable == CORE_FIELDS
    for field in registration_type["fields"]:
        assert field["label"]
        if not field["editable"]:
            assert field["required"] is False


# The fields of Usuario General (§5.5, §5.5.1) ------------------------------------------------------


async def test_general_user_form_serves_the_rules_of_section_5_5_1(api: Api) -> None:
    fields = fields_by_name(await one_type(api, "GENERAL_USER"))
    assert fields["userId"]["editable"] is False
    assert "solicite la baja" in fields["userId"]["help"]
    assert fields["identification"]["kind"] == "IDENTIFICATION"
    assert fields["identification"]["editable"] is False

    name = fields["name"]
    assert (name["label"], name["required"], name["maxLength"]) == ("Nombre usuario", True, 150)
    assert name["help"].startswith(
        "Solo se permiten correcciones de nombres o apellidos mal escritos"
    )

    assert fields["phone1"]["formatHint"] == "0XXXXXXXX"
    assert fields["phone1"]["maxLength"] == 14
    assert fields["phone1"]["required"] is True
    assert fields["phone2"]["required"] is False
    assert fields["fax"]["required"] is False
    assert fields["mobileNumber"]["formatHint"] == "09XXXXXXXX"
    assert re.fullmatch(fields["mobileNumber"]["pattern"], "0991234567")
    assert re.fullmatch(fields["phone1"]["pattern"], "042345678")

    keep = fields["keepSameEmail"]
    assert (keep["kind"], keep["required"], keep["default"]) == ("BOOLEAN", True, "false")
    assert keep["label"] == "¿Desea mantener el mismo correo electrónico?"
    assert "no puede ser modificado nuevamente" in fields["email"]["help"]
    assert "15 minutos" in fields["securityCode"]["help"]
    assert fields["senaeEmail"]["editable"] is False
    assert fields["newPassword"]["kind"] == "PASSWORD"


async def test_option_lists_name_the_query_their_options_come_from(api: Api) -> None:
    fields = fields_by_name(await one_type(api, "GENERAL_USER"))
    catalogs = {name: field["catalog"] for name, field in fields.items() if field["catalog"]}
    assert catalogs == {
        "countryCode": "countries",
        "provinceCode": "provinces",
        "cityCode": "cities",
        "mobileCarrier": "mobileCarriers",
    }
    for name in catalogs:
        assert fields[name]["kind"] == "CHOICE"


async def test_province_only_for_ecuador_and_city_depends_on_province(api: Api) -> None:
    fields = fields_by_name(await one_type(api, "GENERAL_USER"))
    assert fields["provinceCode"]["dependsOn"] == {
        "field": "countryCode",
        "equals": "EC",
        "reason": "solo cuando el país es Ecuador",
    }
    assert fields["cityCode"]["dependsOn"]["field"] == "provinceCode"
    assert fields["cityCode"]["dependsOn"]["equals"] is None
    assert fields["email"]["dependsOn"]["field"] == "keepSameEmail"
    assert fields["email"]["dependsOn"]["equals"] == "false"
    assert fields["newPassword"]["dependsOn"]["field"] == "currentPassword"
    assert fields["countryCode"]["dependsOn"] is None


async def test_labels_help_and_reasons_are_english_with_accept_language_en(api: Api) -> None:
    fields = fields_by_name(await one_type(api, "GENERAL_USER", headers=ENGLISH))
    assert fields["name"]["label"] == "User name"
    assert fields["name"]["help"].startswith("Only corrections of misspelt names or surnames")
    assert fields["keepSameEmail"]["label"] == "Keep the same e-mail address?"
    assert fields["provinceCode"]["dependsOn"]["reason"] == "only when the country is Ecuador"


# Per-type facts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["FOREIGN_TRADE_REPRESENTATIVE", "PUBLIC_ENTITY_REPRESENTATIVE"])
async def test_representatives_identify_with_ruc_and_see_their_company_as_registered_with_the_sri(
    api: Api, code: str
) -> None:
    registration_type = await one_type(api, code)
    fields = fields_by_name(registration_type)
    assert documents(registration_type) == ["RUC"]
    for name in ("companyRuc", "companyName", "legalRepresentative"):
        assert fields[name]["editable"] is False
        assert "SRI" in fields[name]["help"]
    assert "SRI" in registration_type["notes"]


async def test_employee_needs_its_companys_permission_and_the_form_says_so(api: Api) -> None:
    employee = await one_type(api, "EMPLOYEE")
    assert employee["requiresCompanyPermission"] is True
    assert "SENAE-ISEE-3-2-013" in employee["notes"]
    assert "No está asignado el permiso al usuario" in employee["notes"]
    assert fields_by_name(employee)["permissionGranted"]["editable"] is False
    assert documents(employee) == ["CEDULA", "PASSPORT"]
    types = (await api.data(ALL_TYPES))["registrationTypes"]
    assert [t["code"] for t in types if t["requiresCompanyPermission"]] == ["EMPLOYEE"]


async def test_person_with_disability_proves_it_with_the_cedula(api: Api) -> None:
    person = await one_type(api, "PERSON_WITH_DISABILITY")
    assert documents(person) == ["CEDULA"]
    assert "cédula" in person["notes"]


async def test_international_organization_identifies_with_a_passport_or_its_own_document(
    api: Api,
) -> None:
    organization = await one_type(api, "INTERNATIONAL_ORGANIZATION")
    assert documents(organization) == ["PASSPORT"]
    assert "pasaporte o el documento propio" in organization["description"]
    assert fields_by_name(organization)["organizationName"]["editable"] is False


async def test_public_official_sees_its_entity_read_only(api: Api) -> None:
    official = await one_type(api, "PUBLIC_ENTITY_OFFICIAL")
    assert documents(official) == ["CEDULA"]
    assert fields_by_name(official)["entityName"]["editable"] is False


async def test_general_user_accepts_ruc_cedula_and_passport(api: Api) -> None:
    assert documents(await one_type(api, "GENERAL_USER")) == ["RUC", "CEDULA", "PASSPORT"]


# Identification documents ---------------------------------------------------------------------------

DOCUMENTS = "{ identificationDocumentTypes { code name description pattern maxLength } }"


async def test_identification_documents_are_ruc_cedula_and_passport_with_their_formats(
    api: Api,
) -> None:
    served = (await api.data(DOCUMENTS))["identificationDocumentTypes"]
    by_code = {document["code"]: document for document in served}
    assert list(by_code) == ["RUC", "CEDULA", "PASSPORT"]
    assert (by_code["RUC"]["maxLength"], by_code["CEDULA"]["maxLength"]) == (13, 10)
    assert by_code["PASSPORT"]["maxLength"] == 20
    assert by_code["CEDULA"]["name"] == "Cédula de identidad"
    assert by_code["PASSPORT"]["name"] == "Pasaporte"
    # The demo users' documents (README) match the served formats; separators are not stored.
    assert re.fullmatch(by_code["RUC"]["pattern"], "0912345675001")
    assert re.fullmatch(by_code["CEDULA"]["pattern"], "1704567898")
    assert re.fullmatch(by_code["PASSPORT"]["pattern"], "X4821937")
    assert not re.fullmatch(by_code["RUC"]["pattern"], "0912345675002")
    assert not re.fullmatch(by_code["CEDULA"]["pattern"], "170456789")


async def test_identification_documents_are_described_in_english_with_accept_language_en(
    api: Api,
) -> None:
    served = (await api.data(DOCUMENTS, headers=ENGLISH))["identificationDocumentTypes"]
    assert [document["name"] for document in served] == [
        "RUC (taxpayer number)",
        "Ecuadorian identity card (cédula)",
        "Passport",
    ]
    assert "check digit" in served[1]["description"]


async def test_accepted_documents_are_the_served_identification_documents(api: Api) -> None:
    data = await api.data(
        "{ identificationDocumentTypes { code name pattern maxLength } "
        "registrationTypes { acceptedDocuments { code name pattern maxLength } } }"
    )
    catalog = data["identificationDocumentTypes"]
    for registration_type in data["registrationTypes"]:
        for document in registration_type["acceptedDocuments"]:
            assert document in catalog


async def test_registration_types_over_get_are_publicly_cacheable(api: Api) -> None:
    response = await api.client.get("/graphql", params={"query": ALL_TYPES})
    assert response.status_code == 200
    assert response.json()["data"]["registrationTypes"]
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert response.headers["vary"] == "Accept-Language"
