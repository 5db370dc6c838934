"""The message catalogue reads as Spanish (and English) should, for the situation that produces
each message."""

from __future__ import annotations

import pytest

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import Detail, InfoMessage, error_message, info_message, wait_phrase
from api.domain.vocabulary import Locale

# Every parameter a message of the catalogue takes, each with a value that can be told apart in
# the text: a code whose message needs another one fails below until it is listed here.
PARAMETERS: dict[str, object] = {
    "max_length": 101,
    "min_length": 102,
    "retry_after": 103,
    "current_version": 104,
    "attempts_left": 105,
    "limit": 106,
    "year": 2031,
    "expected": "«expected»",
    "reason": "«reason»",
    "version": "«version»",
    "address": "«address»",
    "host": "«host»",
    "cursor": "«cursor»",
    "ruc": "«ruc»",
    "status": "«status»",
    "email": "«email»",
    "first_line": 107,
}


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


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_reads_differently_in_spanish_and_english(code: ErrorCode) -> None:
    spanish = error_message(FieldError(None, code, PARAMETERS), Locale.ES)
    english = error_message(FieldError(None, code, PARAMETERS), Locale.EN)
    assert spanish != english


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_placeholder_is_filled_and_both_languages_show_the_same_parameters(
    code: ErrorCode,
) -> None:
    spanish = error_message(FieldError(None, code, PARAMETERS), Locale.ES)
    english = error_message(FieldError(None, code, PARAMETERS), Locale.EN)
    for message in (spanish, english):
        # A parameter the message needs and was not given reads "…".
        assert "…" not in message, message
        assert "{" not in message, message
        assert "}" not in message, message
    shown_in_spanish = {name for name, value in PARAMETERS.items() if str(value) in spanish}
    shown_in_english = {name for name, value in PARAMETERS.items() if str(value) in english}
    assert shown_in_spanish == shown_in_english


@pytest.mark.parametrize("message", list(InfoMessage))
def test_every_informative_message_is_filled_in_both_languages(message: InfoMessage) -> None:
    texts = [
        info_message(message, locale, year=2031, version="2031-01", email="«email»")
        for locale in Locale
    ]
    assert all(texts)
    assert texts[0] != texts[1]
    assert not any("{" in text for text in texts), texts


@pytest.mark.parametrize(
    ("what", "spanish", "english"),
    [
        (Detail.USER, "ningún usuario con ese ID. usuario", "No user with that user ID was found."),
        (
            Detail.DEREGISTRATION_REQUEST,
            "ninguna solicitud de baja con ese identificador",
            "No deregistration request with that id was found.",
        ),
        (
            Detail.PARTNER_KEY,
            "ninguna clave de API vigente con ese identificador",
            "No active API key with that id was found.",
        ),
        (
            Detail.WEBHOOK,
            "ningún webhook de esta clave con ese identificador",
            "No webhook of this key with that id was found.",
        ),
    ],
)
def test_not_found_says_what_was_not_found(what: Detail, spanish: str, english: str) -> None:
    error = FieldError("id", ErrorCode.NOT_FOUND, {"what": what})
    assert error_message(error) == f"No se encontró {spanish}."
    assert error_message(error, Locale.EN) == english


def test_not_found_without_a_detail_still_reads_as_a_sentence() -> None:
    error = FieldError("id", ErrorCode.NOT_FOUND)
    assert error_message(error) == "No se encontró ningún registro con ese identificador."
    assert error_message(error, Locale.EN) == "No record with that id was found."


@pytest.mark.parametrize("detail", list(Detail))
def test_every_detail_has_its_own_text_in_each_language(detail: Detail) -> None:
    error = FieldError(None, ErrorCode.INVALID_FORMAT, {"expected": detail})
    spanish, english = error_message(error), error_message(error, Locale.EN)
    assert detail.value not in spanish
    assert detail.value not in english
    assert spanish != english


def test_a_detail_given_by_a_rule_is_translated_for_an_english_caller() -> None:
    error = FieldError("url", ErrorCode.INVALID_FORMAT, {"expected": Detail.WEBHOOK_URL})
    assert error_message(error) == (
        "El formato no es válido: una dirección absoluta que empiece por https://."
    )
    assert error_message(error, Locale.EN) == (
        "The format is not valid: an absolute address starting with https://."
    )


@pytest.mark.parametrize(
    ("seconds", "spanish", "english"),
    [
        (1, "1 segundo", "1 second"),
        (45, "45 segundos", "45 seconds"),
        (119, "119 segundos", "119 seconds"),
        (121, "3 minutos", "3 minutes"),
        (900, "15 minutos", "15 minutes"),
    ],
)
def test_a_wait_agrees_in_number_and_long_ones_are_told_in_minutes(
    seconds: int, spanish: str, english: str
) -> None:
    assert wait_phrase(seconds, Locale.ES) == spanish
    assert wait_phrase(seconds, Locale.EN) == english
    limited = FieldError(None, ErrorCode.RATE_LIMITED, {"retry_after": seconds})
    assert error_message(limited).endswith(f"Intente nuevamente en {spanish}.")
    assert error_message(limited, Locale.EN).endswith(f"Try again in {english}.")


@pytest.mark.parametrize(
    ("seconds", "spanish", "english"),
    [
        (3599, "1 hora", "1 hour"),
        (3600, "1 hora", "1 hour"),
        (3660, "1 hora y 1 minuto", "1 hour and 1 minute"),
        (5400, "1 hora y 30 minutos", "1 hour and 30 minutes"),
        (7200, "2 horas", "2 hours"),
        (9000, "2 horas y 30 minutos", "2 hours and 30 minutes"),
    ],
)
def test_a_wait_of_an_hour_or_more_is_told_in_hours_agreeing_in_number(
    seconds: int, spanish: str, english: str
) -> None:
    assert wait_phrase(seconds, Locale.ES) == spanish
    assert wait_phrase(seconds, Locale.EN) == english


@pytest.mark.parametrize("code", list(ErrorCode))
def test_a_message_without_its_parameters_never_reads_a_doubled_full_stop(code: ErrorCode) -> None:
    for locale in Locale:
        message = error_message(FieldError(None, code), locale)
        assert "…." not in message, message


def test_the_error_code_descriptions_of_the_schema_never_read_a_doubled_full_stop() -> None:
    from api.graphql.schema import schema

    sdl = schema.as_str()
    assert "enum UserErrorCode" in sdl
    assert "…." not in sdl


@pytest.mark.parametrize("code", [ErrorCode.TOO_MANY_WEBHOOKS, ErrorCode.TOO_MANY_SUBSCRIPTIONS])
def test_a_limit_of_one_does_not_read_as_a_plural(code: ErrorCode) -> None:
    for locale in Locale:
        message = error_message(FieldError(None, code, {"limit": 1}), locale)
        assert "1 webhooks" not in message
        assert "1 suscripciones" not in message
        assert "1 open subscriptions" not in message
        assert "(1)" in message
