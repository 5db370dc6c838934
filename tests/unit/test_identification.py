"""Doc. identificación (SENAE-ISEE-3-2-010 §5.5.1): RUC, cédula and passport."""

from __future__ import annotations

import re

import pytest

from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.identification import (
    IDENTIFICATION_DOCUMENTS,
    cedula_of,
    normalize_identification,
)
from api.domain.vocabulary import IdentificationType

VALID_CEDULA = "1714307103"
NATURAL_RUC = "1714307103001"
JURIDICAL_RUC = "1792060346001"
GUAYAS_JURIDICAL_RUC = "0990017514001"
PUBLIC_RUC = "1760001550001"


def _refusal(id_type: IdentificationType, number: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        normalize_identification(id_type=id_type, number=number)
    return caught.value


@pytest.mark.parametrize(
    "number",
    [
        VALID_CEDULA,
        "0926687856",  # Guayas
        "0102030400",  # Azuay, check digit 0
        "2400000002",  # Santa Elena, the 24th province
        "3000000004",  # 30: Ecuadorians registered abroad
    ],
)
def test_cedula_with_valid_check_digit_is_accepted(number: str) -> None:
    assert normalize_identification(id_type=IdentificationType.CEDULA, number=number) == number


def test_cedula_separators_are_ignored() -> None:
    assert (
        normalize_identification(id_type=IdentificationType.CEDULA, number=" 171430710-3 ")
        == VALID_CEDULA
    )


@pytest.mark.parametrize(
    "number",
    [
        "1714307104",  # wrong check digit
        "171430710",  # a digit missing
        "17143071033",  # a digit too many
        "2514307103",  # province 25 does not exist
        "1794307103",  # third digit 9 is not a person
        "17143071O3",  # letter O instead of zero
        "١٧١٤٣٠٧١٠٣",  # Arabic-Indic digits look like digits to str.isdigit
        "",
    ],
)
def test_cedula_with_wrong_digits_or_format_is_refused(number: str) -> None:
    error = _refusal(IdentificationType.CEDULA, number)
    assert error.errors == (FieldError("identification", ErrorCode.INVALID_IDENTIFICATION, {}),)


@pytest.mark.parametrize("number", [NATURAL_RUC, JURIDICAL_RUC, GUAYAS_JURIDICAL_RUC, PUBLIC_RUC])
def test_ruc_with_valid_check_digits_is_accepted(number: str) -> None:
    assert normalize_identification(id_type=IdentificationType.RUC, number=number) == number


def test_ruc_separators_are_ignored() -> None:
    assert (
        normalize_identification(id_type=IdentificationType.RUC, number="1792060346-001")
        == JURIDICAL_RUC
    )


@pytest.mark.parametrize(
    "number",
    [
        "1714307103002",  # natural RUC, establishment other than the main one
        "1714307103000",  # establishment 000
        "1792060346002",  # juridical RUC, establishment other than the main one
        "1760001557001",  # public RUC: stdnum ignores the tenth digit, the 0001 suffix does not
        "1792060347001",  # juridical check digit wrong
        "1714307104001",  # natural: the cédula's check digit wrong
        "179206034600",  # too short
        "17920603460011",  # too long
    ],
)
def test_ruc_that_is_not_a_main_establishment_or_has_wrong_digits_is_refused(number: str) -> None:
    _refusal(IdentificationType.RUC, number)


def test_cedula_is_not_a_ruc_and_ruc_is_not_a_cedula() -> None:
    _refusal(IdentificationType.RUC, VALID_CEDULA)
    _refusal(IdentificationType.CEDULA, NATURAL_RUC)


def test_passport_is_upper_cased_without_separators() -> None:
    assert (
        normalize_identification(id_type=IdentificationType.PASSPORT, number=" ab-123 456 ")
        == "AB123456"
    )


@pytest.mark.parametrize(
    "number",
    [
        "A123",  # 4 characters: too short
        "A" * 21,  # too long
        "AB12345!",  # punctuation
        "ıd12345",  # dotless i upper-cases to an ASCII "I"
        "ÑANDÚ123",  # non-ASCII letters
    ],
)
def test_passport_outside_5_to_20_ascii_letters_or_digits_is_refused(number: str) -> None:
    _refusal(IdentificationType.PASSPORT, number)


def test_passport_of_5_and_20_characters_is_accepted() -> None:
    for number in ("A1234", "A" * 20):
        assert normalize_identification(id_type=IdentificationType.PASSPORT, number=number)


def test_cedula_of_a_natural_persons_ruc_is_its_first_ten_digits() -> None:
    assert cedula_of(NATURAL_RUC) == VALID_CEDULA
    assert cedula_of("1714307103-001") == VALID_CEDULA


def test_cedula_of_a_cedula_is_itself() -> None:
    assert cedula_of(VALID_CEDULA) == VALID_CEDULA


@pytest.mark.parametrize(
    "number", [JURIDICAL_RUC, PUBLIC_RUC, "1714307104", "1714307103002", "", "ABCDEFGHIJ"]
)
def test_cedula_of_a_company_public_entity_or_invalid_number_is_none(number: str) -> None:
    assert cedula_of(number) is None


def test_catalog_lists_ruc_cedula_and_passport_in_that_order() -> None:
    assert [document.code for document in IDENTIFICATION_DOCUMENTS] == [
        IdentificationType.RUC,
        IdentificationType.CEDULA,
        IdentificationType.PASSPORT,
    ]
    for document in IDENTIFICATION_DOCUMENTS:
        assert {d.code: d for d in IDENTIFICATION_DOCUMENTS}[document.code] is document
        assert document.name_es
        assert document.name_en
        assert document.description_es
        assert document.description_en


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        (IdentificationType.RUC, NATURAL_RUC),
        (IdentificationType.RUC, PUBLIC_RUC),
        (IdentificationType.CEDULA, VALID_CEDULA),
        (IdentificationType.PASSPORT, "ab-12345"),
    ],
)
def test_served_pattern_and_max_length_describe_the_normalised_number(
    id_type: IdentificationType, number: str
) -> None:
    document = {d.code: d for d in IDENTIFICATION_DOCUMENTS}[id_type]
    normalized = normalize_identification(id_type=id_type, number=number)
    assert re.fullmatch(document.pattern, normalized)
    assert len(normalized) <= document.max_length
