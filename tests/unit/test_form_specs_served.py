"""One definition per rule: what `registrationTypes { fields }` serves is what `modify` enforces.

The specs are fetched as a client fetches them — an HTTP GET of `/graphql` on the real
application (in this process, in its zero-setup mode: no service is needed, the forms and
catalogs never touch one) — and every served `required`, `maxLength`, `pattern` and
`dependsOn.reason` is then checked against `validate_modify_form`, the validation of `modify`,
for each of the seven registration types.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.domain.errors import ErrorCode, FieldError
from api.domain.forms import (
    INPUT_FIELD_NAMES,
    ModifyForm,
    registration_type_spec,
    validate_modify_form,
)
from api.domain.vocabulary import RegistrationTypeCode
from api.persistence.catalog_source import load_catalogs
from api.settings import Settings

SPECS_QUERY = """{ registrationTypes { code fields {
  name kind required editable maxLength pattern formatHint dependsOn { field equals reason }
} } }"""
ATTRIBUTES = {name: attribute for attribute, name in INPUT_FIELD_NAMES.items()}
PASSWORDS: dict[str, Any] = {
    "current_password": "la-clave-de-antes",
    "new_password": "tortuga violeta en la playa",
    "new_password_confirmation": "tortuga violeta en la playa",
}
BASE_FORM = ModifyForm(
    name="Juan Pérez",
    country_code="EC",
    province_code="09",
    city_code="0901",
    address="Av. 9 de Octubre 100 y Malecón",
    phone1="042345678",
    phone2="072345678",
    mobile_carrier="CLARO",
    mobile_number="0991234567",
    fax="042345679",
    keep_same_email=False,
    email="juan@mail.ec",
    email_confirmation="juan@mail.ec",
    security_code="AB3D5FGH",
)
# Values of every shape, tried against each served pattern (those longer than the field's
# maxLength are left out: length is its own rule).
CANDIDATES = [
    "?",
    "a1",
    "AB",
    "ab",
    "E1",
    "09",
    "9",
    "123",
    "0901",
    "12345678",
    "AB3D5FGH",
    "ab3d5fgh",
    "AB3D5FG1",
    "ABCDEFGI",
    "042345678",
    "0123456789",
    "0991234567",
    "0891234567",
    "0042345678",
    "00593991234567",
    "04-2345678",
]


@pytest.fixture(scope="module")
async def served(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[list[dict[str, Any]]]:
    database = Path(tmp_path_factory.mktemp("zero-setup")) / "unused.db"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{database}",
        redis_url=None,
        auto_migrate=False,
        seed_demo=False,
    )
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api") as client,
    ):
        response = await client.get("/graphql", params={"query": SPECS_QUERY})
        assert response.status_code == 200, response.text
        types: list[dict[str, Any]] = response.json()["data"]["registrationTypes"]
        yield types


def editable_fields(registration_type: dict[str, Any]) -> list[dict[str, Any]]:
    return [field for field in registration_type["fields"] if field["editable"]]


def form_with(field: dict[str, Any], value: str | None) -> ModifyForm:
    """The valid form with `field` set to `value`; a password field comes with the other two, so
    that the field applies (it depends on the current password)."""
    changes: dict[str, Any] = dict(PASSWORDS) if field["kind"] == "PASSWORD" else {}
    changes[ATTRIBUTES[field["name"]]] = value
    return dataclasses.replace(BASE_FORM, **changes)


def errors(code: str, form: ModifyForm) -> list[FieldError]:
    """What `modify` would refuse in `form` (everything that needs no I/O)."""
    _, found = validate_modify_form(
        spec=registration_type_spec(RegistrationTypeCode(code)),
        form=form,
        current_name="Juan Pérez",
        user_id="JPEREZ",
        identification="1714307103001",
        catalogs=load_catalogs(),
    )
    return found


def codes_on(field: str, found: list[FieldError]) -> list[ErrorCode]:
    return [error.code for error in found if error.field == field]


async def test_seven_types_are_served_each_with_every_input_field(
    served: list[dict[str, Any]],
) -> None:
    assert [t["code"] for t in served] == [code.value for code in RegistrationTypeCode]
    for registration_type in served:
        names = {field["name"] for field in editable_fields(registration_type)}
        assert names == set(INPUT_FIELD_NAMES.values()) - {"expectedVersion"}


async def test_the_base_form_is_valid_for_every_type(served: list[dict[str, Any]]) -> None:
    for registration_type in served:
        assert errors(registration_type["code"], BASE_FORM) == []
        assert errors(registration_type["code"], dataclasses.replace(BASE_FORM, **PASSWORDS)) == []


async def test_one_character_over_each_served_max_length_is_refused_as_too_long(
    served: list[dict[str, Any]],
) -> None:
    checked = 0
    for registration_type in served:
        code = registration_type["code"]
        for field in editable_fields(registration_type):
            limit = field["maxLength"]
            if limit is None:
                continue
            over = errors(code, form_with(field, "A" * (limit + 1)))
            assert over == [FieldError(field["name"], ErrorCode.TOO_LONG, {"max_length": limit})]
            at_limit = errors(code, form_with(field, "A" * limit))
            assert ErrorCode.TOO_LONG not in codes_on(field["name"], at_limit)
            checked += 1
    assert checked >= 7 * 10


async def test_each_served_required_field_left_blank_is_refused_on_that_field(
    served: list[dict[str, Any]],
) -> None:
    checked = 0
    for registration_type in served:
        code = registration_type["code"]
        for field in editable_fields(registration_type):
            if not field["required"] or field["kind"] == "BOOLEAN":
                continue
            # The new password and its confirmation are required once the current password is
            # given (their dependsOn): the three go together (§5.5.1).
            expected = (
                ErrorCode.PASSWORD_FIELDS_INCOMPLETE
                if field["kind"] == "PASSWORD"
                else ErrorCode.REQUIRED
            )
            for blank in (None, "", "  \t "):
                found = errors(code, form_with(field, blank))
                assert [(e.field, e.code) for e in found] == [(field["name"], expected)]
            checked += 1
    assert checked >= 7 * 10


async def test_each_served_optional_field_may_be_left_blank(
    served: list[dict[str, Any]],
) -> None:
    for registration_type in served:
        code = registration_type["code"]
        optional = [f for f in editable_fields(registration_type) if not f["required"]]
        assert {f["name"] for f in optional} == {"currentPassword", "phone2", "fax"}
        for field in optional:
            for blank in (None, "", "  "):
                change: dict[str, Any] = {ATTRIBUTES[field["name"]]: blank}
                blank_form = dataclasses.replace(BASE_FORM, **change)
                assert errors(code, blank_form) == []


async def test_a_value_outside_each_served_pattern_is_refused_with_the_served_format(
    served: list[dict[str, Any]],
) -> None:
    checked = 0
    for registration_type in served:
        code = registration_type["code"]
        for field in editable_fields(registration_type):
            pattern = field["pattern"]
            if pattern is None:
                continue
            base_value = getattr(BASE_FORM, ATTRIBUTES[field["name"]])
            assert re.fullmatch(pattern, base_value), (field["name"], base_value)
            limit = field["maxLength"] or 100
            for value in (v for v in CANDIDATES if len(v) <= limit):
                found = codes_on(field["name"], errors(code, form_with(field, value)))
                if re.fullmatch(pattern, value):
                    # The field's own rule may still refuse it (a province that does not exist;
                    # a phone number libphonenumber does not know: the pattern is necessary, not
                    # sufficient), but for any other field never for its format.
                    if field["kind"] != "PHONE":
                        assert ErrorCode.INVALID_FORMAT not in found, (field["name"], value)
                else:
                    assert found == [ErrorCode.INVALID_FORMAT], (field["name"], value)
                    refused = errors(code, form_with(field, value))
                    params = next(e.params for e in refused if e.field == field["name"])
                    assert params == {"expected": field["formatHint"]}
                checked += 1
    assert checked >= 7 * 50


async def test_a_value_for_a_field_that_does_not_apply_is_refused_with_the_served_reason(
    served: list[dict[str, Any]],
) -> None:
    # The other value of each parent the served dependencies name.
    other_value: dict[str, dict[str, Any]] = {
        "countryCode": {"country_code": "PE"},
        "keepSameEmail": {"keep_same_email": True},
    }
    checked = 0
    for registration_type in served:
        code = registration_type["code"]
        for field in editable_fields(registration_type):
            dependency = field["dependsOn"]
            if dependency is None or dependency["equals"] is None:
                continue
            form = dataclasses.replace(BASE_FORM, **other_value[dependency["field"]])
            refused = [e for e in errors(code, form) if e.field == field["name"]]
            assert [e.code for e in refused] == [ErrorCode.NOT_ALLOWED]
            assert refused[0].params["reason"] == dependency["reason"]
            checked += 1
    assert checked == 7 * 3  # provinceCode, email, emailConfirmation
