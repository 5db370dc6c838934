"""The modification flow of SENAE-ISEE-3-2-010 §5.5–§5.7 through the GraphQL endpoint, on real
PostgreSQL, Redis and SMTP: the test reads the security code from the mail it received."""

from __future__ import annotations

import asyncio
import re
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from sqlalchemy import text

from api.domain.modification import MODIFY_PURPOSE
from api.persistence.code_store import CLEANUP_AFTER_EXPIRY_SECONDS
from api.persistence.tables import OperatorRow
from api.services.container import Services
from tests.api.conftest import (
    PASSWORD,
    Api,
    Environment,
    SmtpSink,
    count_rows,
    free_port,
    make_operator,
    start_server,
    stop_server,
)

AVAILABILITY = """mutation($e: String!) {
  checkEmailAvailability(email: $e) { email available message errors { field code message } }
}"""
REQUEST_CODE = """mutation($e: String!) {
  requestSecurityCode(email: $e) { expiresAt message errors { field code message retryAfterSeconds } }
}"""
MODIFY = """mutation($input: ModifyOperatorInput!) {
  modify(input: $input) {
    message
    errors { field code message }
    operator {
      userId name email senaeEmail version address phone1 phone2 mobileCarrier mobileNumber fax
      country { code name } province { code name } city { code name } lastUpdateAt
    }
  }
}"""
CODE_LINE = re.compile(r"^([A-Z0-9]{8})\r?$", re.MULTILINE)


def form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "Ana Lucía González Vera",
        "countryCode": "EC",
        "provinceCode": "09",
        "cityCode": "0907",
        "address": "Av. Joaquín Orrantia y Leopoldo Benítez, Durán",
        "phone1": "042456789",
        "phone2": None,
        "mobileCarrier": "MOVISTAR",
        "mobileNumber": "0987654321",
        "fax": None,
        "keepSameEmail": True,
        "securityCode": "",
    }
    values.update(overrides)
    return values


def code_from(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = CODE_LINE.search(body.get_content())
    assert found, body.get_content()
    return found.group(1)


async def signed_in(api: Api, services: Services) -> tuple[OperatorRow, str]:
    operator = await make_operator(services)
    return operator, await api.login("0912345675001", "USUARIO01")


async def request_code(api: Api, token: str, smtp: SmtpSink, address: str) -> str:
    result = (await api.data(REQUEST_CODE, {"e": address}, token=token))["requestSecurityCode"]
    assert result["errors"] == [], result
    return code_from(smtp.to(address)[-1])


async def stored_operator(services: Services) -> OperatorRow:
    async with services.reading() as session:
        result = await session.exec(text("SELECT * FROM operators WHERE user_id = 'USUARIO01'"))  # type: ignore[call-overload]
        row = result.mappings().one()
    return OperatorRow(**row)


async def code_keys(environment: Environment) -> dict[str, dict[str, str]]:
    client = aioredis.Redis.from_url(environment.redis_url, decode_responses=True)
    try:
        keys = [k async for k in client.scan_iter(match=f"{environment.redis_prefix}code:*")]
        return {
            str(k): {str(f): str(v) for f, v in (await client.hgetall(k)).items()} for k in keys
        }
    finally:
        await client.aclose()


async def test_keeping_the_email_the_code_goes_to_the_registered_address_and_modify_succeeds(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    result = (await api.data(REQUEST_CODE, {"e": "ANA.GONZALEZ@correo.example"}, token=token))[
        "requestSecurityCode"
    ]
    assert result["errors"] == []
    assert result["expiresAt"]
    assert "15 minutos" in result["message"]
    assert "no deseados" in result["message"]
    [mail] = smtp.to("ana.gonzalez@correo.example")
    assert mail["Subject"] == "ACTIVACIÓN DE CORREO ELECTRÓNICO"
    text_body = mail.get_body(preferencelist=("plain",))
    html_body = mail.get_body(preferencelist=("html",))
    assert text_body is not None
    assert html_body is not None
    assert "correos no deseados" in text_body.get_content()
    code = code_from(mail)
    assert code in html_body.get_content()

    # The code is accepted in lower case with spaces around it.
    payload = (
        await api.data(MODIFY, {"input": form(securityCode=f"  {code.lower()} ")}, token=token)
    )["modify"]
    assert payload["errors"] == []
    # §5.7's confirmation, and the agreement still to sign: not the guide's "update done".
    assert payload["message"] == (
        "La modificación de sus datos se ha realizado con éxito. Para completar su actualización "
        "de Datos, firme con su TOKEN el Convenio para la utilización de canales electrónicos o "
        "tecnológicos del SENAE."
    )
    operator = payload["operator"]
    assert operator["version"] == 2
    assert operator["city"] == {"code": "0907", "name": "Durán"}
    assert operator["mobileCarrier"] == "MOVISTAR"
    assert operator["lastUpdateAt"] is not None
    assert operator["email"] == "ana.gonzalez@correo.example"
    stored = await stored_operator(services)
    assert stored.address == "Av. Joaquín Orrantia y Leopoldo Benítez, Durán"
    assert await count_rows(services, "audit_entries") == 2  # registration + modification
    # A used code is gone: it cannot be replayed.
    again = (await api.data(MODIFY, {"input": form(securityCode=code)}, token=token))["modify"]
    assert again["errors"][0]["code"] == "CODE_EXPIRED"


async def test_changing_the_email_needs_the_reserved_address_and_tells_the_old_one(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    checked = (await api.data(AVAILABILITY, {"e": "Ana.Nueva@Correo.example"}, token=token))[
        "checkEmailAvailability"
    ]
    assert checked["available"] is True
    assert checked["errors"] == []
    new_address = checked["email"]
    code = await request_code(api, token, smtp, new_address)
    assert smtp.to("ana.gonzalez@correo.example") == []  # the code went to the new address only
    payload = (
        await api.data(
            MODIFY,
            {
                "input": form(
                    keepSameEmail=False,
                    email=new_address,
                    emailConfirmation=new_address.upper(),
                    securityCode=code,
                )
            },
            token=token,
        )
    )["modify"]
    assert payload["errors"] == []
    assert payload["operator"]["email"] == new_address
    [notice] = await smtp.arrived("ana.gonzalez@correo.example")
    assert "CAMBIO DE CORREO" in str(notice["Subject"])
    async with services.reading() as session:
        events = (
            (
                await session.exec(text("SELECT event_type FROM outbox_events ORDER BY sequence"))  # type: ignore[call-overload]
            )
            .scalars()
            .all()
        )
    assert events == ["OPERATOR_REGISTERED", "OPERATOR_UPDATED", "EMAIL_CHANGED"]


async def test_another_users_address_is_not_available_in_any_case(
    api: Api, services: Services
) -> None:
    _, token = await signed_in(api, services)
    await make_operator(
        services, user_id="OTRO02", identification="1704567898", email="otro@correo.example"
    )
    result = (await api.data(AVAILABILITY, {"e": "OTRO@CORREO.EXAMPLE"}, token=token))[
        "checkEmailAvailability"
    ]
    assert result["available"] is False
    assert result["errors"][0]["code"] == "EMAIL_TAKEN"


async def test_an_address_another_user_is_checking_is_reserved_not_registered(
    api: Api, services: Services
) -> None:
    _, token = await signed_in(api, services)
    await make_operator(
        services, user_id="OTRO02", identification="1704567898", email="otro@correo.example"
    )
    other = await api.login("1704567898", "OTRO02")
    first = (await api.data(AVAILABILITY, {"e": "libre@correo.example"}, token=other))[
        "checkEmailAvailability"
    ]
    assert first["available"] is True
    result = (await api.data(AVAILABILITY, {"e": "libre@correo.example"}, token=token))[
        "checkEmailAvailability"
    ]
    assert result["available"] is False
    assert result["errors"][0]["code"] == "EMAIL_RESERVED"
    assert "registrado" not in result["errors"][0]["message"]


async def test_the_callers_own_address_tells_it_to_keep_the_same_email(
    api: Api, services: Services
) -> None:
    _, token = await signed_in(api, services)
    result = (await api.data(AVAILABILITY, {"e": "ana.gonzalez@correo.example"}, token=token))[
        "checkEmailAvailability"
    ]
    assert result["available"] is False
    assert result["errors"][0]["code"] == "EMAIL_IS_CURRENT"
    assert "mantener el mismo correo" in result["errors"][0]["message"]


async def test_a_malformed_address_is_refused_on_email(api: Api, services: Services) -> None:
    _, token = await signed_in(api, services)
    result = (await api.data(AVAILABILITY, {"e": "ana@@correo"}, token=token))[
        "checkEmailAvailability"
    ]
    assert result["available"] is False
    assert result["errors"][0]["field"] == "email"
    assert result["errors"][0]["code"] == "INVALID_EMAIL"


async def test_two_users_checking_one_address_at_once_exactly_one_gets_it(
    api: Api, services: Services
) -> None:
    _, token_a = await signed_in(api, services)
    await make_operator(
        services, user_id="OTRO02", identification="1704567898", email="otro@correo.example"
    )
    token_b = await api.login("1704567898", "OTRO02")
    results = await asyncio.gather(
        api.data(AVAILABILITY, {"e": "libre@correo.example"}, token=token_a),
        api.data(AVAILABILITY, {"e": "libre@correo.example"}, token=token_b),
    )
    available = [r["checkEmailAvailability"]["available"] for r in results]
    assert sorted(available) == [False, True]


async def test_availability_checks_are_rate_limited(api: Api, services: Services) -> None:
    _, token = await signed_in(api, services)
    for n in range(10):
        await api.data(AVAILABILITY, {"e": f"prueba{n}@correo.example"}, token=token)
    result = (await api.data(AVAILABILITY, {"e": "otra@correo.example"}, token=token))[
        "checkEmailAvailability"
    ]
    assert result["errors"][0]["code"] == "RATE_LIMITED"


async def test_a_code_for_an_address_not_reserved_is_refused_and_nothing_is_sent(
    api: Api, services: Services, smtp: SmtpSink, environment: Environment
) -> None:
    _, token = await signed_in(api, services)
    result = (await api.data(REQUEST_CODE, {"e": "cualquiera@correo.example"}, token=token))[
        "requestSecurityCode"
    ]
    assert result["errors"][0]["field"] == "email"
    assert result["errors"][0]["code"] == "EMAIL_NOT_RESERVED"
    assert smtp.messages == []
    assert await code_keys(environment) == {}


async def test_the_code_is_stored_hashed_bound_expiring_in_fifteen_minutes_and_cleaned_up_later(
    api: Api, services: Services, smtp: SmtpSink, environment: Environment
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    [(key, stored)] = (await code_keys(environment)).items()
    assert code not in repr(stored)
    assert code.lower() not in repr(stored).lower()
    assert stored["address"] == "ana.gonzalez@correo.example"
    # The code expires at the stored instant, by the service clock; the key outlives it only to
    # be cleaned up (api/persistence/code_store.py).
    assert 890 < float(stored["expires_epoch"]) - time.time() <= 900
    client = aioredis.Redis.from_url(environment.redis_url)
    try:
        assert (
            890 + CLEANUP_AFTER_EXPIRY_SECONDS
            < await client.ttl(key)
            <= 900 + CLEANUP_AFTER_EXPIRY_SECONDS
        )
    finally:
        await client.aclose()


async def test_a_new_code_within_sixty_seconds_is_refused_with_the_wait(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    result = (await api.data(REQUEST_CODE, {"e": "ana.gonzalez@correo.example"}, token=token))[
        "requestSecurityCode"
    ]
    assert result["errors"][0]["code"] == "CODE_RECENTLY_SENT"
    assert 0 < result["errors"][0]["retryAfterSeconds"] <= 60
    assert "Ya le enviamos un código" in result["errors"][0]["message"]
    assert len(smtp.messages) == 1


async def test_a_code_used_by_a_successful_update_does_not_hold_back_the_next_request(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    ok = (await api.data(MODIFY, {"input": form(securityCode=code)}, token=token))["modify"]
    assert ok["errors"] == []
    await request_code(api, token, smtp, "ana.gonzalez@correo.example")


async def test_an_expired_code_is_refused_with_the_instruction_to_request_a_new_one(
    api: Api, services: Services, smtp: SmtpSink, environment: Environment
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    # Expiry without waiting 15 minutes: let Redis expire the key now, as the TTL would.
    client = aioredis.Redis.from_url(environment.redis_url)
    try:
        [key] = list(await code_keys(environment))
        await client.pexpire(key, 1)
        await asyncio.sleep(0.05)
    finally:
        await client.aclose()
    result = (await api.data(MODIFY, {"input": form(securityCode=code)}, token=token))["modify"]
    assert result["operator"] is None
    [error] = result["errors"]
    assert error["field"] == "securityCode"
    assert error["code"] == "CODE_EXPIRED"
    assert "Solicite un nuevo código de seguridad" in error["message"]


async def test_five_wrong_codes_kill_the_code_and_a_new_one_may_be_asked_at_once(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    wrong = "ZZZZ2222" if code != "ZZZZ2222" else "YYYY3333"
    codes = []
    for _ in range(5):
        result = (await api.data(MODIFY, {"input": form(securityCode=wrong)}, token=token))[
            "modify"
        ]
        codes.append(result["errors"][0]["code"])
    assert codes == ["CODE_INVALID"] * 4 + ["CODE_LOCKED"]
    result = (await api.data(MODIFY, {"input": form(securityCode=code)}, token=token))["modify"]
    assert result["errors"][0]["code"] == "CODE_LOCKED"
    assert (await stored_operator(services)).version == 1
    # "Solicite un nuevo código": the dead code imposes no resend wait.
    fresh = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    result = (await api.data(MODIFY, {"input": form(securityCode=fresh)}, token=token))["modify"]
    assert result["errors"] == []


async def test_parallel_wrong_guesses_cannot_exceed_the_limit_and_the_locked_code_is_replaced_once(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    guesses = [f"ABCD{n:04d}".replace("0", "2").replace("1", "3") for n in range(12)]
    guesses = [g for g in guesses if g != code]
    await asyncio.gather(
        *(api.data(MODIFY, {"input": form(securityCode=g)}, token=token) for g in guesses)
    )
    result = (await api.data(MODIFY, {"input": form(securityCode=code)}, token=token))["modify"]
    assert result["errors"][0]["code"] == "CODE_LOCKED"
    # Of parallel requests for the new code the lock allows at once, exactly one is sent.
    mails_before = len(smtp.to("ana.gonzalez@correo.example"))
    answers = await asyncio.gather(
        *(
            api.data(REQUEST_CODE, {"e": "ana.gonzalez@correo.example"}, token=token)
            for _ in range(8)
        )
    )
    outcomes = sorted(
        [e["code"] for e in a["requestSecurityCode"]["errors"]] or ["SENT"] for a in answers
    )
    assert outcomes == [["CODE_RECENTLY_SENT"]] * 7 + [["SENT"]]
    await asyncio.sleep(0.2)
    assert len(smtp.to("ana.gonzalez@correo.example")) == mails_before + 1


async def test_a_refused_form_reports_every_error_writes_nothing_and_keeps_the_code(
    api: Api, services: Services, smtp: SmtpSink, environment: Environment
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    bad = form(
        securityCode=code,
        countryCode="PE",  # province and city only for Ecuador
        phone1="12345",
        mobileNumber="0812345678",
        address="   ",
    )
    result = (await api.data(MODIFY, {"input": bad}, token=token))["modify"]
    fields = {(e["field"], e["code"]) for e in result["errors"]}
    assert ("provinceCode", "NOT_ALLOWED") in fields
    assert ("cityCode", "NOT_ALLOWED") in fields
    assert ("phone1", "INVALID_FORMAT") in fields
    assert ("mobileNumber", "INVALID_FORMAT") in fields
    assert ("address", "REQUIRED") in fields
    assert result["operator"] is None
    stored = await stored_operator(services)
    assert stored.version == 1
    assert stored.country_code == "EC"
    assert await count_rows(services, "audit_entries") == 1
    assert await count_rows(services, "outbox_events") == 1
    [state] = (await code_keys(environment)).values()
    assert state["attempts"] == "0"  # a refused form uses up no attempt
    ok = (await api.data(MODIFY, {"input": form(securityCode=code)}, token=token))["modify"]
    assert ok["errors"] == []


async def test_a_different_persons_name_is_refused_with_the_instruction_to_deregister(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    result = (
        await api.data(
            MODIFY, {"input": form(name="Pedro Pablo Ramírez Loor", securityCode=code)}, token=token
        )
    )["modify"]
    [error] = result["errors"]
    assert error["field"] == "name"
    assert error["code"] == "NAME_NOT_A_CORRECTION"
    assert "baja" in error["message"]
    corrected = (
        await api.data(
            MODIFY, {"input": form(name="Ana Lucia Gonzales Vera", securityCode=code)}, token=token
        )
    )["modify"]
    assert corrected["errors"] == []
    assert corrected["operator"]["name"] == "Ana Lucia Gonzales Vera"


async def test_a_stale_expected_version_gets_conflict_and_writes_nothing(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    result = (
        await api.data(MODIFY, {"input": form(securityCode=code, expectedVersion=7)}, token=token)
    )["modify"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("expectedVersion", "CONFLICT")]
    assert (await stored_operator(services)).version == 1
    ok = (
        await api.data(MODIFY, {"input": form(securityCode=code, expectedVersion=1)}, token=token)
    )["modify"]
    assert ok["operator"]["version"] == 2


async def test_two_parallel_updates_with_one_code_exactly_one_succeeds(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    results = await asyncio.gather(
        api.data(MODIFY, {"input": form(securityCode=code, address="Dirección A 1")}, token=token),
        api.data(MODIFY, {"input": form(securityCode=code, address="Dirección B 2")}, token=token),
    )
    outcomes = sorted(bool(r["modify"]["errors"]) for r in results)
    assert outcomes == [False, True]
    stored = await stored_operator(services)
    assert stored.version == 2
    assert await count_rows(services, "audit_entries") == 2


async def test_changing_the_password_needs_the_current_one_and_signs_out_other_sessions(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    other_session = await api.login("0912345675001", "USUARIO01")
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    new_password = "Otra-Clave-Segura-88"
    wrong = (
        await api.data(
            MODIFY,
            {
                "input": form(
                    securityCode=code,
                    currentPassword="no-es-la-clave-1",
                    newPassword=new_password,
                    newPasswordConfirmation=new_password,
                )
            },
            token=token,
        )
    )["modify"]
    assert [(e["field"], e["code"]) for e in wrong["errors"]] == [
        ("currentPassword", "WRONG_CURRENT_PASSWORD")
    ]
    mismatch = (
        await api.data(
            MODIFY,
            {
                "input": form(
                    securityCode=code,
                    currentPassword=PASSWORD,
                    newPassword=new_password,
                    newPasswordConfirmation=new_password + "x",
                )
            },
            token=token,
        )
    )["modify"]
    assert ("newPasswordConfirmation", "MISMATCH") in {
        (e["field"], e["code"]) for e in mismatch["errors"]
    }
    ok = (
        await api.data(
            MODIFY,
            {
                "input": form(
                    securityCode=code,
                    currentPassword=PASSWORD,
                    newPassword=new_password,
                    newPasswordConfirmation=new_password,
                )
            },
            token=token,
        )
    )["modify"]
    assert ok["errors"] == []
    me = "{ me { userId } }"
    assert (await api.data(me, token=token))["me"] == {"userId": "USUARIO01"}
    signed_out = await api.post(me, token=other_session)
    assert signed_out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await api.login("0912345675001", "USUARIO01", new_password)


async def test_history_shows_who_changed_what_newest_first_and_never_a_password(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    _, token = await signed_in(api, services)
    code = await request_code(api, token, smtp, "ana.gonzalez@correo.example")
    new_password = "Otra-Clave-Segura-88"
    await api.data(
        MODIFY,
        {
            "input": form(
                securityCode=code,
                currentPassword=PASSWORD,
                newPassword=new_password,
                newPasswordConfirmation=new_password,
            )
        },
        token=token,
    )
    query = """query($u: String!, $after: String) {
      operatorHistory(userId: $u, first: 1, after: $after) {
        edges { cursor node { operation actor { kind userId } changes { field old new secret } } }
        pageInfo { hasNextPage endCursor }
      }
    }"""
    first = (await api.data(query, {"u": "USUARIO01"}, token=token))["operatorHistory"]
    [edge] = first["edges"]
    assert edge["node"]["operation"] == "MODIFY"
    assert edge["node"]["actor"] == {"kind": "USER", "userId": "USUARIO01"}
    changes = {c["field"]: c for c in edge["node"]["changes"]}
    assert changes["cityCode"] == {
        "field": "cityCode",
        "old": "0901",
        "new": "0907",
        "secret": False,
    }
    assert changes["password"] == {"field": "password", "old": None, "new": None, "secret": True}
    assert new_password not in str(first)
    assert first["pageInfo"]["hasNextPage"] is True
    second = (
        await api.data(
            query, {"u": "USUARIO01", "after": first["pageInfo"]["endCursor"]}, token=token
        )
    )["operatorHistory"]
    assert second["edges"][0]["node"]["operation"] == "REGISTER"
    assert second["pageInfo"]["hasNextPage"] is False


async def test_history_of_another_user_is_for_staff_only(api: Api, services: Services) -> None:
    _, token = await signed_in(api, services)
    from api.domain.vocabulary import Role

    await make_operator(
        services,
        user_id="SENAE.STAFF",
        identification="1704567898",
        email="staff@aduana.example",
        role=Role.STAFF,
    )
    query = '{ operatorHistory(userId: "SENAE.STAFF") { edges { node { operation } } } }'
    refused = await api.post(query, token=token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    staff = await api.login("1704567898", "SENAE.STAFF")
    own = await api.data(
        '{ operatorHistory(userId: "USUARIO01") { edges { node { operation } } } }', token=staff
    )
    assert own["operatorHistory"]["edges"] == [{"node": {"operation": "REGISTER"}}]


async def test_the_form_needs_a_signed_in_user(api: Api) -> None:
    result = (await api.data(MODIFY, {"input": form(securityCode="ABCD2345")}))["modify"]
    assert result["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_when_mail_cannot_be_sent_no_usable_code_is_left(
    services: Services, environment: Environment, tmp_path: Path
) -> None:
    await make_operator(services)
    server = start_server(environment.variables(SMTP_PORT=str(free_port())), tmp_path / "api.log")
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            api = Api(client)
            token = await api.login("0912345675001", "USUARIO01")
            result = (
                await api.data(REQUEST_CODE, {"e": "ana.gonzalez@correo.example"}, token=token)
            )["requestSecurityCode"]
    finally:
        stop_server(server)
    assert result["expiresAt"] is None
    assert result["errors"][0]["code"] == "MAIL_NOT_SENT"
    assert await code_keys(environment) == {}


@pytest.mark.parametrize("purpose", [MODIFY_PURPOSE])
def test_codes_are_kept_per_purpose(purpose: str, services: Services) -> None:
    assert services.keys.security_code(1, purpose).endswith(f"code:{purpose}:1")
