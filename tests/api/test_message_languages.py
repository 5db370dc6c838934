"""Refusals read in the caller's language, with the same field and code in both, and each says
what fits its situation: the partner-key and webhook mutations (NOT_FOUND says what was not
found), and the modification form with its security code and the address it goes to."""

from __future__ import annotations

from typing import Any

import pytest

from api.domain.modification import MODIFY_PURPOSE
from api.domain.security_codes import MAX_CODES_PER_HOUR
from api.resolvers.node_ids import PARTNER_KEY_NODE, WEBHOOK_DELIVERY_NODE, WEBHOOK_NODE, node_id
from api.services.container import Services
from api.services.partner_keys import create_partner_key
from tests.api.conftest import (
    PASSWORD,
    STAFF_IDENTIFICATION,
    STAFF_USER_ID,
    Api,
    SmtpSink,
    make_staff,
)
from tests.api.test_modify import (
    AVAILABILITY,
    MODIFY,
    REQUEST_CODE,
    code_from,
    form,
    request_code,
    signed_in,
)

ENGLISH = {"Accept-Language": "en"}
CREATE_KEY = """mutation($name: String!, $scopes: [String!]!) {
  createPartnerKey(name: $name, scopes: $scopes) { key errors { field code message } }
}"""
REVOKE_KEY = "mutation($id: ID!) { revokePartnerKey(id: $id) { errors { field code message } } }"
REGISTER = """mutation($input: RegisterWebhookInput!) {
  registerWebhook(input: $input) { webhook { id } errors { field code message } }
}"""
PAUSE = "mutation($id: ID!) { pauseWebhook(id: $id) { errors { field code message } } }"
DELETE = "mutation($id: ID!) { deleteWebhook(id: $id) { errors { field code message } } }"
REDELIVER = """mutation($id: ID!) {
  redeliverWebhookDelivery(id: $id) { errors { field code message } }
}"""
# Accepted by the test servers' settings (WEBHOOK_ALLOWED_INTERNAL_TARGETS), never called here.
REACHABLE = "http://127.0.0.1:9/hooks"
REGISTERED_ADDRESS = "ana.gonzalez@correo.example"


async def staff_token(api: Api, services: Services) -> str:
    await make_staff(services)
    return await api.login(STAFF_IDENTIFICATION, STAFF_USER_ID, PASSWORD)


async def partner(services: Services) -> str:
    issued = await create_partner_key(
        services, name="Banco del Pacífico", scopes="webhooks", created_by=None
    )
    return issued.key


def only_error(data: dict[str, Any], name: str) -> dict[str, Any]:
    errors: list[dict[str, Any]] = data[name]["errors"]
    assert len(errors) == 1, data
    return errors[0]


async def only_error_in_each_language(
    api: Api, query: str, variables: dict[str, Any], *, token: str, name: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The one error of `name`'s answer in Spanish (the default), then with Accept-Language: en."""
    spanish = only_error(await api.data(query, variables, token=token), name)
    english = only_error(await api.data(query, variables, token=token, headers=ENGLISH), name)
    return spanish, english


def wrong_code_for(code: str) -> str:
    return "ZZZZ2222" if code != "ZZZZ2222" else "YYYY3333"


async def test_a_partner_name_refused_for_its_format_says_what_is_expected_in_each_language(
    api: Api, services: Services
) -> None:
    staff = await staff_token(api, services)
    arguments = {"name": "Banco <Pacífico>", "scopes": ["events:read"]}

    spanish, english = await only_error_in_each_language(
        api, CREATE_KEY, arguments, token=staff, name="createPartnerKey"
    )

    assert spanish == {
        "field": "name",
        "code": "INVALID_FORMAT",
        "message": "El formato no es válido: de 2 a 100 letras, dígitos, espacios o . , & ( ) - _.",
    }
    assert english == {
        "field": "name",
        "code": "INVALID_FORMAT",
        "message": "The format is not valid: 2 to 100 letters, digits, spaces or . , & ( ) - _.",
    }


@pytest.mark.parametrize(
    ("url", "spanish", "english"),
    [
        (
            "ftp://partner.example/hooks",
            "El formato no es válido: una dirección absoluta que empiece por https://.",
            "The format is not valid: an absolute address starting with https://.",
        ),
        (
            "https://user:password@partner.example/hooks",
            "El formato no es válido: una dirección sin usuario ni contraseña, como "
            "https://servidor/ruta.",
            "The format is not valid: an address without user name or password, such as "
            "https://host/path.",
        ),
    ],
)
async def test_a_webhook_url_refused_for_its_format_says_what_is_expected_in_each_language(
    api: Api, services: Services, url: str, spanish: str, english: str
) -> None:
    key = await partner(services)
    arguments = {"input": {"url": url}}

    in_spanish, in_english = await only_error_in_each_language(
        api, REGISTER, arguments, token=key, name="registerWebhook"
    )

    assert in_spanish == {"field": "url", "code": "INVALID_FORMAT", "message": spanish}
    assert in_english == {"field": "url", "code": "INVALID_FORMAT", "message": english}


async def test_a_webhook_document_with_variables_is_refused_with_the_reason_in_each_language(
    api: Api, services: Services
) -> None:
    key = await partner(services)
    document = "subscription($a: String) { operatorEvents { id } }"
    arguments = {"input": {"url": REACHABLE, "subscription": document}}

    in_spanish, in_english = await only_error_in_each_language(
        api, REGISTER, arguments, token=key, name="registerWebhook"
    )

    assert (in_spanish["field"], in_spanish["code"]) == ("subscription", "INVALID_DOCUMENT")
    assert (in_english["field"], in_english["code"]) == ("subscription", "INVALID_DOCUMENT")
    assert in_spanish["message"].endswith(
        "esquema: declara variables (un webhook no recibe ninguna)."
    )
    assert in_english["message"].endswith(
        "schema: it declares variables (a webhook receives none)."
    )


async def test_revoking_a_partner_key_that_is_not_there_says_no_active_key_was_found(
    api: Api, services: Services
) -> None:
    staff = await staff_token(api, services)
    unknown = {"id": node_id(PARTNER_KEY_NODE, 999_999)}

    spanish, english = await only_error_in_each_language(
        api, REVOKE_KEY, unknown, token=staff, name="revokePartnerKey"
    )

    assert spanish == {
        "field": "id",
        "code": "NOT_FOUND",
        "message": "No se encontró ninguna clave de API vigente con ese identificador.",
    }
    assert english == {
        "field": "id",
        "code": "NOT_FOUND",
        "message": "No active API key with that id was found.",
    }


async def test_another_keys_webhook_or_an_id_of_another_type_is_not_found_as_a_webhook(
    api: Api, services: Services
) -> None:
    owner, other = await partner(services), await partner(services)
    registered = await api.data(REGISTER, {"input": {"url": REACHABLE}}, token=owner)
    webhook_id = registered["registerWebhook"]["webhook"]["id"]

    for mutation, name, webhook in (
        (PAUSE, "pauseWebhook", webhook_id),
        (DELETE, "deleteWebhook", node_id(PARTNER_KEY_NODE, 1)),
    ):
        spanish, english = await only_error_in_each_language(
            api, mutation, {"id": webhook}, token=other, name=name
        )
        assert spanish == {
            "field": "id",
            "code": "NOT_FOUND",
            "message": "No se encontró ningún webhook de esta clave con ese identificador.",
        }
        assert english == {
            "field": "id",
            "code": "NOT_FOUND",
            "message": "No webhook of this key with that id was found.",
        }


async def test_redelivering_what_is_not_a_dead_letter_of_the_key_says_so(
    api: Api, services: Services
) -> None:
    key = await partner(services)
    unknown = {"id": node_id(WEBHOOK_DELIVERY_NODE, 999_999)}
    of_another_type = {"id": node_id(WEBHOOK_NODE, 999_999)}

    english = only_error(
        await api.data(REDELIVER, unknown, token=key, headers=ENGLISH), "redeliverWebhookDelivery"
    )
    malformed = only_error(
        await api.data(REDELIVER, of_another_type, token=key, headers=ENGLISH),
        "redeliverWebhookDelivery",
    )

    assert english == {
        "field": "id",
        "code": "NOT_FOUND",
        "message": "No dead letter of this key with that id was found.",
    }
    assert malformed == {
        "field": "id",
        "code": "NOT_FOUND",
        "message": "No webhook delivery of this key with that id was found.",
    }


async def test_a_query_refused_by_a_permission_reads_in_the_callers_language(
    api: Api, services: Services
) -> None:
    key = await partner(services)

    spanish = await api.post("{ partnerKeys { id } }", token=key)
    english = await api.post("{ partnerKeys { id } }", token=key, headers=ENGLISH)
    anonymous = await api.post("{ webhooks { id } }", headers=ENGLISH)

    assert [(e["extensions"]["code"], e["message"]) for e in spanish["errors"]] == [
        ("FORBIDDEN", "No tiene permiso para realizar esta operación.")
    ]
    assert [(e["extensions"]["code"], e["message"]) for e in english["errors"]] == [
        ("FORBIDDEN", "You are not allowed to perform this operation.")
    ]
    assert [(e["extensions"]["code"], e["message"]) for e in anonymous["errors"]] == [
        ("UNAUTHENTICATED", "Sign in to perform this operation.")
    ]


async def test_a_string_literal_with_nul_is_refused_in_the_callers_language(api: Api) -> None:
    # The escape is GraphQL's, inside the document: the JSON body itself holds no NUL.
    query = '{ cities(provinceCode: "0\\u0000") { code } }'

    spanish = await api.post(query)
    english = await api.post(query, headers=ENGLISH)

    assert spanish["errors"] == [
        {
            "message": "El formato no es válido: texto sin caracteres NUL ni sustitutos Unicode "
            "sueltos.",
            "extensions": {"code": "INVALID_FORMAT"},
        }
    ]
    assert english["errors"] == [
        {
            "message": "The format is not valid: text without NUL characters or unpaired Unicode "
            "surrogates.",
            "extensions": {"code": "INVALID_FORMAT"},
        }
    ]


async def test_a_city_of_another_province_is_refused_as_not_one_of_its_cantons_in_each_language(
    api: Api, services: Services
) -> None:
    _, token = await signed_in(api, services)
    # Quito (1701) is a canton of Pichincha, not of Guayas (09); the form is refused before its
    # code is looked at.
    arguments = {"input": form(provinceCode="09", cityCode="1701", securityCode="ABCD2345")}

    spanish, english = await only_error_in_each_language(
        api, MODIFY, arguments, token=token, name="modify"
    )

    assert spanish == {
        "field": "cityCode",
        "code": "CITY_NOT_IN_PROVINCE",
        "message": "La ciudad elegida no es un cantón de la provincia elegida.",
    }
    assert english == {
        "field": "cityCode",
        "code": "CITY_NOT_IN_PROVINCE",
        "message": "The chosen city is not a canton of the chosen province.",
    }


@pytest.mark.parametrize(
    ("headers", "one_left"), [({}, "Le queda 1 intento."), (ENGLISH, "1 attempt left.")]
)
async def test_after_four_wrong_codes_the_one_attempt_left_reads_in_the_singular(
    api: Api, services: Services, smtp: SmtpSink, headers: dict[str, str], one_left: str
) -> None:
    _, token = await signed_in(api, services)
    wrong = wrong_code_for(await request_code(api, token, smtp, REGISTERED_ADDRESS))

    for _ in range(4):
        refused = only_error(
            await api.data(
                MODIFY, {"input": form(securityCode=wrong)}, token=token, headers=headers
            ),
            "modify",
        )

    assert (refused["field"], refused["code"]) == ("securityCode", "CODE_INVALID")
    assert refused["message"].endswith(one_left)


async def test_a_code_asked_for_again_within_the_wait_is_told_the_wait_in_each_language(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    await request_code(api, token, smtp, REGISTERED_ADDRESS)
    again = {"e": REGISTERED_ADDRESS}

    spanish, english = await only_error_in_each_language(
        api, REQUEST_CODE, again, token=token, name="requestSecurityCode"
    )

    assert spanish["code"] == english["code"] == "CODE_RECENTLY_SENT"
    assert spanish["message"].startswith(
        "Ya le enviamos un código de seguridad hace un momento: podrá solicitar otro en "
    )
    assert spanish["message"].endswith(
        " segundos. Si aún no le llegó, revise su correo (también la bandeja de correos no "
        "deseados)."
    )
    assert english["message"].startswith(
        "A security code was sent to you a moment ago: you can request another one in "
    )
    assert english["message"].endswith(
        " seconds. If it has not arrived yet, check your mail (the spam folder too)."
    )
    assert len(smtp.messages) == 1


async def test_a_code_for_an_address_never_checked_says_to_check_it_first_in_each_language(
    api: Api, services: Services
) -> None:
    _, token = await signed_in(api, services)
    unchecked = {"e": "ana.nueva@correo.example"}

    spanish, english = await only_error_in_each_language(
        api, REQUEST_CODE, unchecked, token=token, name="requestSecurityCode"
    )

    assert (spanish["field"], spanish["code"]) == ("email", "EMAIL_NOT_RESERVED")
    assert (english["field"], english["code"]) == ("email", "EMAIL_NOT_RESERVED")
    assert spanish["message"] == (
        "Este correo electrónico no está reservado para usted: compruebe primero su disponibilidad."
    )
    assert english["message"] == (
        "This e-mail address is not reserved for you: check its availability first."
    )


async def test_checking_another_address_once_a_code_went_to_the_first_is_explained_alike(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    first = "ana.nueva@correo.example"
    checked = (await api.data(AVAILABILITY, {"e": first}, token=token))["checkEmailAvailability"]
    assert checked["available"] is True
    await request_code(api, token, smtp, first)
    another = {"e": "ana.otra@correo.example"}

    spanish, english = await only_error_in_each_language(
        api, AVAILABILITY, another, token=token, name="checkEmailAvailability"
    )

    assert spanish == {
        "field": "email",
        "code": "EMAIL_ALREADY_VERIFIED",
        "message": "Ya comprobó la disponibilidad de otro correo electrónico y solicitó su código "
        "de seguridad, por lo que en esta actualización ya no puede cambiarlo. Continúe con ese "
        "correo o inténtelo de nuevo en 15 minutos.",
    }
    assert english == {
        "field": "email",
        "code": "EMAIL_ALREADY_VERIFIED",
        "message": "You already checked another e-mail address and requested its security code, "
        "so you can no longer change it in this update. Continue with that address or try again "
        "in 15 minutes.",
    }


async def test_the_callers_own_address_is_the_one_to_keep_not_unavailable_in_each_language(
    api: Api, services: Services
) -> None:
    _, token = await signed_in(api, services)
    own = {"e": REGISTERED_ADDRESS.upper()}

    spanish = (await api.data(AVAILABILITY, own, token=token))["checkEmailAvailability"]
    english = (await api.data(AVAILABILITY, own, token=token, headers=ENGLISH))[
        "checkEmailAvailability"
    ]

    assert spanish["available"] is english["available"] is False
    assert spanish["message"] == (
        "Es el correo electrónico que ya tiene registrado: para conservarlo, elija «Sí» en "
        "«¿Desea mantener el mismo correo electrónico?»."
    )
    assert english["message"] == (
        'It is the e-mail address you already have registered: to keep it, choose "Yes" under '
        '"Keep the same e-mail address?".'
    )


async def test_the_hourly_code_limit_tells_its_wait_as_one_hour_in_each_language(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    operator, token = await signed_in(api, services)
    assert operator.id is not None
    for _ in range(MAX_CODES_PER_HOUR):
        await request_code(api, token, smtp, REGISTERED_ADDRESS)
        # The resend wait is the store's: forget the code as if a minute had passed.
        await services.codes.discard(operator_id=operator.id, purpose=MODIFY_PURPOSE)
    again = {"e": REGISTERED_ADDRESS}

    spanish, english = await only_error_in_each_language(
        api, REQUEST_CODE, again, token=token, name="requestSecurityCode"
    )

    assert spanish["code"] == english["code"] == "RATE_LIMITED"
    assert spanish["retryAfterSeconds"] > 3540  # a minute's rounding from a full hour
    assert spanish["message"].endswith("Intente nuevamente en 1 hora.")
    assert english["message"].endswith("Try again in 1 hour.")


async def test_the_security_code_mail_follows_the_language_of_the_request(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    sent = await api.data(REQUEST_CODE, {"e": REGISTERED_ADDRESS}, token=token, headers=ENGLISH)
    assert sent["requestSecurityCode"]["errors"] == []
    [mail] = smtp.to(REGISTERED_ADDRESS)
    assert mail["Subject"] == "E-MAIL ACTIVATION - ECUAPASS"
    text = mail.get_body(preferencelist=("plain",))
    assert text is not None
    assert "Your security code is:" in text.get_content()
    assert "spam" in text.get_content()
    # The code reads the same in either language, and works.
    code = code_from(mail)
    modified = await api.data(MODIFY, {"input": form(securityCode=code)}, token=token)
    assert modified["modify"]["errors"] == []
