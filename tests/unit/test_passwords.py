"""The password policy of "Contraseña" (SENAE-ISEE-3-2-010 §5.5.1)."""

from __future__ import annotations

import pytest

from api.domain.errors import ErrorCode, FieldError
from api.domain.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    common_passwords,
    is_common_password,
    password_errors,
)

USER_ID = "jperez"
RUC = "1714307103001"
GOOD = "tortuga violeta en la playa"


def _codes(password: str, *, user_id: str = USER_ID, identification: str = RUC) -> list[ErrorCode]:
    return [
        error.code
        for error in password_errors(
            password=password, user_id=user_id, identification=identification
        )
    ]


def test_long_uncommon_password_is_accepted() -> None:
    assert password_errors(password=GOOD, user_id=USER_ID, identification=RUC) == []


def test_password_shorter_than_minimum_is_refused_on_new_password() -> None:
    errors = password_errors(password="Xk9#mQ2v", user_id=USER_ID, identification=RUC)
    assert errors == [
        FieldError("newPassword", ErrorCode.PASSWORD_TOO_SHORT, {"min_length": MIN_LENGTH})
    ]


def test_password_of_exactly_minimum_length_is_accepted() -> None:
    assert _codes("Xk9#mQ2vLp"[:MIN_LENGTH]) == []


def test_password_longer_than_maximum_is_refused_without_further_checks() -> None:
    errors = password_errors(password="x" * (MAX_LENGTH + 1), user_id=USER_ID, identification=RUC)
    assert errors == [FieldError("newPassword", ErrorCode.TOO_LONG, {"max_length": MAX_LENGTH})]
    assert _codes("Xk9#mQ2vLp" + "z" * (MAX_LENGTH - 10)) == []


@pytest.mark.parametrize(
    "password",
    [
        "mi-JPEREZ-secreto",  # the user ID, in another case
        "xx1714307103001yy",  # the RUC
        "clave 1714307103 xx",  # the cédula inside the RUC
    ],
)
def test_password_containing_user_id_or_identification_is_refused(password: str) -> None:
    assert _codes(password) == [ErrorCode.PASSWORD_CONTAINS_IDENTITY]


def test_identity_shorter_than_four_characters_is_not_looked_for() -> None:
    assert _codes("tortuga violeta", user_id="tor") == []


@pytest.mark.parametrize(
    "password",
    [
        "1234567890",
        "qwertyuiop",
        "PASSWORD123",  # case and appended digits
        "Contraseña2024!",  # appended year and symbol
        "contrasena123",  # without the eñe
        "Ecuador2024",
        "123456contraseña",  # prepended digits
        "P@ssw0rd2024",  # look-alike substitutions
        "1l0v3y0u!!!!",
        "Barcelona1925",
        "guayaquil2023",
        "aaaaaaaaaa",  # too few distinct characters
        "ababababab",
    ],
)
def test_common_password_is_refused(password: str) -> None:
    assert ErrorCode.PASSWORD_TOO_COMMON in _codes(password)
    assert is_common_password(password)


def test_all_rules_broken_are_reported_together() -> None:
    assert _codes("juan123", user_id="juan") == [
        ErrorCode.PASSWORD_TOO_SHORT,
        ErrorCode.PASSWORD_CONTAINS_IDENTITY,
        ErrorCode.PASSWORD_TOO_COMMON,
    ]


def test_control_characters_are_refused() -> None:
    assert ErrorCode.INVALID_FORMAT in _codes("tortuga\x00violeta")


def test_deny_list_has_hundreds_of_lower_case_entries_including_spanish_ones() -> None:
    common = common_passwords()
    assert len(common) >= 300
    assert all(entry == entry.casefold() for entry in common)
    for spanish in ("contrasena", "ecuador2024", "teamo", "ecuapass"):
        assert spanish in common
