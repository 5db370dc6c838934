"""The message catalogue reads as Spanish (and English) should, for the situation that produces
each message."""

from __future__ import annotations

import pytest

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import error_message
from api.domain.vocabulary import Locale


@pytest.mark.parametrize(
    ("left", "spanish", "english"),
    [
        (1, "Le queda 1 intento.", "1 attempt left."),
        (2, "Le quedan 2 intentos.", "2 attempts left."),
        (4, "Le quedan 4 intentos.", "4 attempts left."),
    ],
)
def test_the_attempts_left_agree_in_number(left: int, spanish: str, english: str) -> None:
    error = FieldError("securityCode", ErrorCode.CODE_INVALID, {"attempts_left": left})
    assert error_message(error).endswith(spanish)
    assert error_message(error, Locale.EN).endswith(english)


def test_the_wait_after_a_code_is_not_called_too_many_attempts() -> None:
    wait = error_message(FieldError(None, ErrorCode.CODE_RECENTLY_SENT, {"retry_after": 42}))
    assert "Demasiados intentos" not in wait
    assert "42 segundos" in wait


def test_an_address_only_reserved_is_not_called_registered() -> None:
    reserved = error_message(FieldError("email", ErrorCode.EMAIL_RESERVED))
    assert "registrado" not in reserved
    assert "comprobando" in reserved


def test_a_city_of_another_province_says_so() -> None:
    message = error_message(FieldError("cityCode", ErrorCode.CITY_NOT_IN_PROVINCE))
    assert "provincia" in message
    assert "catálogo" not in message


def test_every_code_has_a_message_in_both_languages_without_unfilled_placeholders() -> None:
    for code in ErrorCode:
        for locale in Locale:
            message = error_message(FieldError(None, code), locale)
            assert message
            assert "{" not in message, (code, locale, message)
