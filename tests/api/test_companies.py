"""The company as the SRI registers it, through the API: `Operator.company`, the forms' read-only
fields filled from it, and staff's `setOperatorCompany`."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from api.domain.registration import NewOperator
from api.domain.vocabulary import RegistrationTypeCode as T
from api.persistence.operators import SYSTEM
from api.services.container import Services
from api.services.registration import Registration, create_operator
from tests.api.conftest import (
    GENERAL_USER_CONTACT,
    PASSWORD,
    STAFF_IDENTIFICATION,
    STAFF_USER_ID,
    Api,
    count_rows,
    make_operator,
    make_staff,
)

COMPANY_RUC = "1790123456001"
ENTITY_RUC = "1760001200001"
ORGANIZATION_RUC = "1791000005001"
COMPANY = """company { ruc name legalRepresentativeName legalRepresentativeIdentification
                       entityName organizationName }"""
SET_COMPANY = (
    """mutation($input: SetOperatorCompanyInput!) {
  setOperatorCompany(input: $input) {
    operator { userId version """
    + COMPANY
    + """ }
    errors { field code message }
  }
}"""
)


async def register(services: Services, **values: Any) -> None:
    defaults: dict[str, Any] = {"password": PASSWORD}
    await create_operator(
        services,
        Registration(NewOperator(**{**defaults, **values}), GENERAL_USER_CONTACT),
        actor=SYSTEM,
    )


# One operator of each registration type, with its company where the type has one; the
# identification each signs in with.
OPERATORS: dict[T, dict[str, Any]] = {
    T.FOREIGN_TRADE_REPRESENTATIVE: {
        "identification": COMPANY_RUC,
        "user_id": "REPRE01",
        "name": "María Fernanda Cevallos Ortiz",
        "email": "repre@empresa.example",
        "company_name": "Importadora Andina S.A.",
        "legal_representative_name": "María Fernanda Cevallos Ortiz",
        "legal_representative_identification": "1718463027",
    },
    T.EMPLOYEE: {
        "identification": "1704567898",
        "user_id": "EMPLEADO01",
        "name": "Carlos Andrés Pérez Mora",
        "email": "empleado@empresa.example",
        "company_ruc": COMPANY_RUC,
    },
    T.GENERAL_USER: {
        "identification": "0912345675001",
        "user_id": "USUARIO01",
        "name": "Ana Lucía González Vera",
        "email": "ana@correo.example",
    },
    T.PUBLIC_ENTITY_REPRESENTATIVE: {
        "identification": ENTITY_RUC,
        "user_id": "ENTIDAD01",
        "name": "Jorge Luis Andrade Salazar",
        "email": "entidad@publica.example",
        "company_name": "Empresa Pública de Comercio del Ecuador",
        "legal_representative_name": "Jorge Luis Andrade Salazar",
        "legal_representative_identification": "1723951180",
    },
    T.PUBLIC_ENTITY_OFFICIAL: {
        "identification": "0109876540",
        "user_id": "FUNCIONARIO01",
        "name": "Paola Estefanía Vintimilla Crespo",
        "email": "funcionaria@publica.example",
        "company_ruc": ENTITY_RUC,
    },
    T.INTERNATIONAL_ORGANIZATION: {
        "identification": "X4821937",
        "user_id": "ORGINTER01",
        "name": "Programa Mundial de Alimentos",
        "email": "oficina@organismo.example",
        "company_ruc": ORGANIZATION_RUC,
        "company_name": "Programa Mundial de Alimentos - Oficina en Ecuador",
        "legal_representative_name": "Giulia Rossi Bianchi",
        "legal_representative_identification": "YA4821937",
    },
    T.PERSON_WITH_DISABILITY: {
        "identification": "1305554444",
        "user_id": "DISCAPACIDAD01",
        "name": "Luis Alberto Zambrano Mendoza",
        "email": "luis@correo.example",
    },
}


async def register_all(services: Services, *types: T) -> None:
    """The operators of `types` (all without), and the representatives whose RUC they name."""
    wanted = set(types or OPERATORS)
    if wanted & {T.EMPLOYEE}:
        wanted.add(T.FOREIGN_TRADE_REPRESENTATIVE)
    if wanted & {T.PUBLIC_ENTITY_OFFICIAL}:
        wanted.add(T.PUBLIC_ENTITY_REPRESENTATIVE)
    for registration_type, values in OPERATORS.items():
        if registration_type in wanted:
            await register(services, registration_type=registration_type, **values)


async def me(api: Api, registration_type: T, selection: str) -> dict[str, Any]:
    values = OPERATORS[registration_type]
    token = await api.login(values["identification"], values["user_id"])
    data = await api.data(f"{{ me {{ {selection} }} }}", token=token)
    result: dict[str, Any] = data["me"]
    return result


async def test_a_representative_sees_its_company_as_registered_with_the_sri(
    api: Api, services: Services
) -> None:
    await register_all(services, T.FOREIGN_TRADE_REPRESENTATIVE)
    company = (await me(api, T.FOREIGN_TRADE_REPRESENTATIVE, COMPANY))["company"]
    assert company == {
        "ruc": COMPANY_RUC,
        "name": "Importadora Andina S.A.",
        "legalRepresentativeName": "María Fernanda Cevallos Ortiz",
        "legalRepresentativeIdentification": "1718463027",
        "entityName": None,
        "organizationName": None,
    }


async def test_an_employee_sees_the_company_its_representative_registered(
    api: Api, services: Services
) -> None:
    await register_all(services, T.EMPLOYEE)
    company = (await me(api, T.EMPLOYEE, COMPANY))["company"]
    assert company["ruc"] == COMPANY_RUC
    assert company["name"] == "Importadora Andina S.A."
    assert company["legalRepresentativeName"] == "María Fernanda Cevallos Ortiz"


async def test_officials_and_organisations_see_the_razon_social_as_entity_or_organisation(
    api: Api, services: Services
) -> None:
    await register_all(services, T.PUBLIC_ENTITY_OFFICIAL, T.INTERNATIONAL_ORGANIZATION)
    official = (await me(api, T.PUBLIC_ENTITY_OFFICIAL, COMPANY))["company"]
    assert official["entityName"] == "Empresa Pública de Comercio del Ecuador"
    assert official["organizationName"] is None
    organization = (await me(api, T.INTERNATIONAL_ORGANIZATION, COMPANY))["company"]
    assert organization["organizationName"] == "Programa Mundial de Alimentos - Oficina en Ecuador"
    assert organization["entityName"] is None


async def test_a_general_user_has_no_company(api: Api, services: Services) -> None:
    await register_all(services, T.GENERAL_USER)
    assert (await me(api, T.GENERAL_USER, COMPANY))["company"] is None


FORM = """query($code: RegistrationTypeCode!) {
  registrationType(code: $code) { fields { name editable valuePath } }
}"""


def selection_of(paths: list[str]) -> str:
    """The GraphQL selection that reads every dot-separated path of `Operator`."""
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})

    def render(node: dict[str, Any]) -> str:
        return " ".join(f"{k} {{ {render(v)} }}" if v else k for k, v in node.items())

    return render(tree)


def value_at(operator: dict[str, Any], path: str) -> object:
    value: Any = operator
    for part in path.split("."):
        value = value[part] if value is not None else None
    return value


@pytest.mark.parametrize("registration_type", list(T), ids=[t.value for t in T])
async def test_every_read_only_field_a_form_serves_is_filled_for_an_operator_of_that_type(
    api: Api, services: Services, registration_type: T
) -> None:
    await register_all(services, registration_type, T.EMPLOYEE)
    # The permission an employee's form shows is the one its company granted (SENAE-ISEE-3-2-013).
    representative = await api.login(COMPANY_RUC, "REPRE01")
    granted = await api.data(
        """mutation { setEmployeePermission(userId: "EMPLEADO01", allowed: true) {
             errors { code } } }""",
        token=representative,
    )
    assert granted["setEmployeePermission"]["errors"] == []

    form = await api.data(FORM, {"code": registration_type.name})
    read_only = [f for f in form["registrationType"]["fields"] if not f["editable"]]
    assert all(f["valuePath"] for f in read_only), read_only
    paths = [f["valuePath"] for f in read_only]
    operator = await me(api, registration_type, selection_of(paths))
    unfilled = [f["name"] for f in read_only if value_at(operator, f["valuePath"]) in (None, "")]
    assert unfilled == []
    if registration_type is T.EMPLOYEE:
        assert value_at(operator, "employeePermission") is True


async def staff_token(api: Api, services: Services) -> str:
    await make_staff(services)
    return await api.login(STAFF_IDENTIFICATION, STAFF_USER_ID)


def company_input(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "userId": "FUNCIONARIO01",
        "companyRuc": ENTITY_RUC,
        "companyName": "  Empresa Pública   de Comercio  ",
        "legalRepresentativeName": "Jorge Luis Andrade Salazar",
        "legalRepresentativeIdentification": "1723951180",
    }
    values.update(overrides)
    return values


async def test_staff_set_an_operators_company_audited_and_published(
    api: Api, services: Services
) -> None:
    await register(
        services,
        registration_type=T.PUBLIC_ENTITY_OFFICIAL,
        **{k: v for k, v in OPERATORS[T.PUBLIC_ENTITY_OFFICIAL].items() if k != "company_ruc"},
    )
    token = await staff_token(api, services)
    audit_before = await count_rows(services, "audit_entries")
    events_before = await count_rows(services, "outbox_events")

    result = (await api.data(SET_COMPANY, {"input": company_input()}, token=token))[
        "setOperatorCompany"
    ]
    assert result["errors"] == []
    assert result["operator"]["version"] == 2
    assert result["operator"]["company"] == {
        "ruc": ENTITY_RUC,
        "name": "Empresa Pública de Comercio",
        "legalRepresentativeName": "Jorge Luis Andrade Salazar",
        "legalRepresentativeIdentification": "1723951180",
        "entityName": "Empresa Pública de Comercio",
        "organizationName": None,
    }
    assert await count_rows(services, "audit_entries") == audit_before + 1
    assert await count_rows(services, "outbox_events") == events_before + 1
    history = await api.data(
        """{ operatorHistory(userId: "FUNCIONARIO01", first: 1) { edges { node {
             operation changes { field old new } } } } }""",
        token=token,
    )
    entry = history["operatorHistory"]["edges"][0]["node"]
    assert entry["operation"] == "SET_COMPANY"
    assert {c["field"] for c in entry["changes"]} == {
        "companyRuc",
        "companyName",
        "legalRepresentativeName",
        "legalRepresentativeIdentification",
    }

    again = (await api.data(SET_COMPANY, {"input": company_input()}, token=token))[
        "setOperatorCompany"
    ]
    assert again["errors"] == []
    assert again["operator"]["version"] == 2, "the same company again changes nothing"
    assert await count_rows(services, "audit_entries") == audit_before + 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"companyRuc": "1760001200002"}, "companyRuc", "INVALID_IDENTIFICATION"),
        ({"companyRuc": "1790123457001"}, "companyRuc", "INVALID_IDENTIFICATION"),
        ({"companyName": "   "}, "companyName", "REQUIRED"),
        ({"companyName": "A" * 301}, "companyName", "TOO_LONG"),
        (
            {"legalRepresentativeIdentification": "1723951181"},
            "legalRepresentativeIdentification",
            "INVALID_IDENTIFICATION",
        ),
        ({"userId": "NADIE01"}, "userId", "NOT_FOUND"),
        ({"userId": "USUARIO01"}, "companyRuc", "NOT_ALLOWED"),
        ({"userId": "REPRE01"}, "companyRuc", "NOT_ALLOWED"),
    ],
    ids=[
        "ruc-not-main-establishment",
        "ruc-check-digit",
        "blank-name",
        "name-too-long",
        "representative-cedula",
        "unknown-user",
        "general-user-has-no-company",
        "representative-of-another-ruc",
    ],
)
async def test_a_refused_company_is_a_coded_error_and_writes_nothing(
    api: Api, services: Services, overrides: dict[str, object], field: str, code: str
) -> None:
    await register_all(services, T.PUBLIC_ENTITY_OFFICIAL, T.GENERAL_USER, T.EMPLOYEE)
    token = await staff_token(api, services)
    counts = {
        t: await count_rows(services, t) for t in ("companies", "audit_entries", "outbox_events")
    }

    result = (await api.data(SET_COMPANY, {"input": company_input(**overrides)}, token=token))[
        "setOperatorCompany"
    ]
    assert result["operator"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert result["errors"][0]["message"]
    assert {t: await count_rows(services, t) for t in counts} == counts
    official = await api.data(
        '{ operator(userId: "FUNCIONARIO01") { version company { name } } }', token=token
    )
    assert official["operator"] == {
        "version": 1,
        "company": {"name": "Empresa Pública de Comercio del Ecuador"},
    }


async def test_a_refusal_speaks_english_with_accept_language_en(
    api: Api, services: Services
) -> None:
    await register_all(services, T.GENERAL_USER)
    token = await staff_token(api, services)
    result = await api.data(
        SET_COMPANY,
        {"input": company_input(userId="USUARIO01")},
        token=token,
        headers={"Accept-Language": "en"},
    )
    assert result["setOperatorCompany"]["errors"][0]["message"] == (
        "This field is not allowed here: this registration type has no company."
    )


async def test_only_staff_may_set_a_company(api: Api, services: Services) -> None:
    await register_all(services, T.FOREIGN_TRADE_REPRESENTATIVE)
    representative = await api.login(COMPANY_RUC, "REPRE01")
    result = (
        await api.data(
            SET_COMPANY,
            {"input": company_input(userId="REPRE01", companyRuc=COMPANY_RUC)},
            token=representative,
        )
    )["setOperatorCompany"]
    assert [e["code"] for e in result["errors"]] == ["FORBIDDEN"]
    assert result["operator"] is None


async def test_parallel_changes_of_one_company_are_recorded_one_after_another(
    api: Api, services: Services
) -> None:
    await register_all(services, T.PUBLIC_ENTITY_OFFICIAL)
    token = await staff_token(api, services)
    names = [f"Empresa Pública de Comercio {n}" for n in range(6)]
    results = await asyncio.gather(
        *(
            api.data(SET_COMPANY, {"input": company_input(companyName=name)}, token=token)
            for name in names
        )
    )
    assert all(r["setOperatorCompany"]["errors"] == [] for r in results)
    history = await api.data(
        """{ operator(userId: "FUNCIONARIO01") { version company { name } }
             operatorHistory(userId: "FUNCIONARIO01", first: 20) {
               edges { node { operation changes { field old new } } } } }""",
        token=token,
    )
    operator = history["operator"]
    assert operator["version"] == 1 + len(names)
    renames = [
        next(c for c in edge["node"]["changes"] if c["field"] == "companyName")
        for edge in reversed(history["operatorHistory"]["edges"])
        if edge["node"]["operation"] == "SET_COMPANY"
    ]
    assert len(renames) == len(names)
    # Each change starts from the name the one before it left: none was lost or recorded twice.
    assert renames[0]["old"] == "Empresa Pública de Comercio del Ecuador"
    for earlier, later in itertools.pairwise(renames):
        assert later["old"] == earlier["new"]
    assert operator["company"]["name"] == renames[-1]["new"]


async def test_a_company_change_shows_on_every_operator_of_the_company(
    api: Api, services: Services
) -> None:
    await register_all(services, T.EMPLOYEE)
    token = await staff_token(api, services)
    result = await api.data(
        SET_COMPANY,
        {
            "input": company_input(
                userId="EMPLEADO01", companyRuc=COMPANY_RUC, companyName="Importadora Andina S.A.S."
            )
        },
        token=token,
    )
    assert result["setOperatorCompany"]["errors"] == []
    company = (await me(api, T.FOREIGN_TRADE_REPRESENTATIVE, COMPANY))["company"]
    assert company["name"] == "Importadora Andina S.A.S."
    assert company["legalRepresentativeName"] == "Jorge Luis Andrade Salazar"


async def test_make_operator_keeps_working_for_a_company_known_only_by_ruc(
    services: Services,
) -> None:
    row = await make_operator(
        services,
        registration_type=T.EMPLOYEE,
        identification="1704567898",
        user_id="EMPLEADO02",
        company_ruc=COMPANY_RUC,
    )
    assert row.company is not None
    assert (row.company.ruc, row.company.name) == (COMPANY_RUC, None)


async def test_the_other_operators_of_a_company_hear_of_its_change(
    api: Api, services: Services
) -> None:
    await register_all(services, T.EMPLOYEE)
    token = await staff_token(api, services)
    events_before = await count_rows(services, "outbox_events")
    result = await api.data(
        SET_COMPANY,
        {
            "input": company_input(
                userId="EMPLEADO01",
                companyRuc=COMPANY_RUC,
                companyName="Importadora Andina S.A.S.",
                legalRepresentativeName="María Fernanda Cevallos Ortiz",
                legalRepresentativeIdentification="1718463027",
            )
        },
        token=token,
    )
    assert result["setOperatorCompany"]["errors"] == []
    # The employee's own change, and the representative's: its form shows another razón social.
    assert await count_rows(services, "outbox_events") == events_before + 2
    representative = await api.data(
        """{ operator(userId: "REPRE01") { version }
             operatorHistory(userId: "REPRE01", first: 1) { edges { node {
               operation actor { kind userId } changes { field old new } } } } }""",
        token=token,
    )
    assert representative["operator"]["version"] == 1, "its own edits are not made stale"
    entry = representative["operatorHistory"]["edges"][0]["node"]
    assert entry == {
        "operation": "COMPANY_UPDATED",
        "actor": {"kind": "STAFF", "userId": STAFF_USER_ID},
        "changes": [
            {
                "field": "companyName",
                "old": "Importadora Andina S.A.",
                "new": "Importadora Andina S.A.S.",
            }
        ],
    }
