"""Teléfono1/Teléfono2/Fax/Celular (SENAE-ISEE-3-2-010 §5.5.1)."""

from __future__ import annotations

import re

import pytest

from api.domain.errors import ErrorCode
from api.domain.phones import (
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


@pytest.mark.parametrize(
    "number",
    [
        "022345678",  # Quito (Pichincha, area 2)
        "042345678",  # Guayaquil (area 4)
        "072812345",  # Cuenca (area 7)
        "052345678",  # Manabí (area 5)
        "022890123",  # a VoIP-range landline
    ],
)
def test_ecuadorian_landline_in_format_0XXXXXXXX_is_accepted(number: str) -> None:
    assert landline_error(number) is None


@pytest.mark.parametrize(
    "number",
    [
        "0991234567",  # a mobile is not a landline
        "22345678",  # the leading 0 of the area code is missing
        "012345678",  # area code 1 does not exist
        "082345678",  # area code 8 does not exist
        "020123456",  # a subscriber number cannot start with 0
        "021234567",  # ...nor with 1 (special services)
        "02234567",  # a digit missing
        "0223456789",  # a digit too many
        "02-2345678",  # digits only
        "02 2345678",
        "+59322345678",
        "",
        "٠٢٢٣٤٥٦٧٨",  # Arabic-Indic digits
    ],
)
def test_landline_that_is_not_0_area_code_and_seven_digits_is_refused(number: str) -> None:
    assert landline_error(number) is ErrorCode.INVALID_FORMAT


def test_phone_of_more_than_14_digits_is_too_long() -> None:
    number = "0" + "2" * PHONE_MAX_DIGITS
    assert landline_error(number) is ErrorCode.TOO_LONG
    assert mobile_error(number) is ErrorCode.TOO_LONG
    assert fax_error(number) is ErrorCode.TOO_LONG


@pytest.mark.parametrize(
    "number",
    [
        "0014155552671",  # United States (fixed line or mobile: the US cannot tell them apart)
        "00442079460000",  # United Kingdom, London landline: 14 digits, the maximum
        "0051" + "14411000",  # Peru, Lima landline
    ],
)
def test_foreign_landline_with_international_prefix_00_is_accepted(number: str) -> None:
    assert len(number) <= PHONE_MAX_DIGITS
    assert landline_error(number) is None


def test_foreign_mobile_only_number_is_refused_as_landline() -> None:
    assert landline_error("0034612345678") is ErrorCode.INVALID_FORMAT  # Spanish mobile


def test_ecuadorian_number_written_with_00593_is_refused_in_favour_of_national_format() -> None:
    assert landline_error("0059322345678") is ErrorCode.INVALID_FORMAT
    assert mobile_error("00593991234567") is ErrorCode.INVALID_FORMAT


def test_international_number_that_does_not_exist_is_refused() -> None:
    assert landline_error("0099912345678") is ErrorCode.INVALID_FORMAT


@pytest.mark.parametrize(
    "number",
    [
        "0991234567",  # historically Claro
        "0981234567",  # historically Movistar
        "0961234567",  # historically CNT
        "0951234567",
        "0931234567",
        "0901234567",  # a block libphonenumber does not know as allocated
        "0912345678",
    ],
)
def test_mobile_in_format_09XXXXXXXX_is_accepted_whatever_its_carrier_prefix(number: str) -> None:
    # Numbers are ported between carriers: the prefix says nothing about the carrier chosen.
    assert mobile_error(number) is None


@pytest.mark.parametrize(
    "number",
    [
        "022345678",  # a landline
        "991234567",  # the leading 0 is missing
        "099123456",  # a digit missing
        "09912345678",  # a digit too many
        "0891234567",
        "099-123-4567",
        "",
    ],
)
def test_mobile_that_is_not_09_and_eight_digits_is_refused(number: str) -> None:
    assert mobile_error(number) is ErrorCode.INVALID_FORMAT


def test_foreign_mobile_with_international_prefix_00_is_accepted() -> None:
    assert mobile_error("0034612345678") is None  # Spain
    assert mobile_error("0014155552671") is None  # United States


def test_foreign_landline_is_refused_as_mobile() -> None:
    assert mobile_error("00442079460000") is ErrorCode.INVALID_FORMAT


def test_fax_follows_the_landline_rule() -> None:
    for number in ("022345678", "0991234567", "02-2345678", "0014155552671"):
        assert fax_error(number) == landline_error(number)
    assert FAX_PATTERN == LANDLINE_PATTERN


def test_patterns_are_necessary_conditions_of_the_rules() -> None:
    # Whatever the served pattern refuses, the rule refuses too: a client using the pattern never
    # sends a number the server would accept.
    for number in ("0991234567", "022345678", "0014155552671", "abc", "0" * 15, "02234567"):
        if not re.fullmatch(LANDLINE_PATTERN, number):
            assert landline_error(number) is not None
        if not re.fullmatch(MOBILE_PATTERN, number):
            assert mobile_error(number) is not None


def test_formats_are_the_procedures() -> None:
    assert LANDLINE_FORMAT == "0XXXXXXXX"
    assert MOBILE_FORMAT == "09XXXXXXXX"
    assert PHONE_MAX_DIGITS == 14
