""" "REINICIAR CLAVE" (SENAE-ISEE-3-2-010 §5.1) through HTTP against the real PostgreSQL, Redis
and SMTP: the code read from the mail, each refusal, no enumeration, limits under parallel
requests, the old sessions dead, nothing secret in the log."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from email.message import EmailMessage
from typing import Any

from sqlalchemy import text

from api.services.container import Services
from tests.api.conftest import (
    PASSWORD,
    Api,
    Server,
    SmtpSink,
    count_rows,
    make_employee,
    make_operator,
)

REQUEST = """mutation($i: String!, $u: String!) {
  requestPasswordReset(identification: $i, userId: $u) { message errors { field code } }
}"""
RESET = """mutation($i: String!, $u: String!, $c: String!, $p: String!, $q: String!) {
  resetPassword(identification: $i, userId: $u, code: $c, newPassword: $p,
                newPasswordConfirmation: $q) { message errors { field code message } }
}"""
NEW_PASSWORD = "Nueva-Clave-Segura-31"
ADDRESS = "ana.gonzalez@correo.example"
ME = "{ me { userId } }"


async def rows(services: Services, sql: str) -> list[Any]:
    async with services.reading() as session:
        return list((await session.exec(text(sql))).all())  # type: ignore[call-overload]


def code_in(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"^([A-Z0-9]{6,12})\r?$", body.get_content(), re.MULTILINE)
    assert match, body.get_content()
    return match.group(1)


async def requested(
    api: Api, identification: str = "0912345675001", user_id: str = "USUARIO01", **headers: str
) -> dict[str, Any]:
    response = await api.client.post(
        "/graphql",
        json={"query": REQUEST, "variables": {"i": identification, "u": user_id}},
        headers=headers,
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def reset(
    api: Api,
    code: str,
    password: str = NEW_PASSWORD,
    confirmation: str | None = None,
    user_id: str = "USUARIO01",
) -> dict[str, Any]:
    data = await api.data(
        RESET,
        {
            "i": "0912345675001",
            "u": user_id,
            "c": code,
            "p": password,
            "q": confirmation or password,
        },
    )
    payload: dict[str, Any] = data["resetPassword"]
    return payload


async def test_the_whole_flow_from_the_mail_to_a_new_sign_in_ends_the_old_sessions(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    old_session = await api.login("0912345675001", "USUARIO01")
    answer = await requested(api)
    assert answer["data"]["requestPasswordReset"]["errors"] == []
    [mail] = await smtp.arrived(ADDRESS)
    assert mail["Subject"] == "REINICIO DE CLAVE - ECUAPASS"
    text_part = mail.get_body(preferencelist=("plain",))
    assert text_part is not None
    assert "Si usted no lo solicitó" in text_part.get_content()
    done = await reset(api, code_in(mail))
    assert done["errors"] == []
    assert "reiniciada" in done["message"]
    # The old password and the old session are dead; the new password signs in.
    ended = await api.post(ME, token=old_session)
    assert ended["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await api.login("0912345675001", "USUARIO01", NEW_PASSWORD)
    wrong = await api.data(
        """mutation { login(identification: "0912345675001", userId: "USUARIO01",
           password: "Clave-Segura-2027") { errors { code } } }"""
    )
    assert wrong["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    # One audit row and one event, neither with the password; a notice to the registered address.
    audit = await rows(
        services, "SELECT changes FROM audit_entries WHERE operation = 'RESET_PASSWORD'"
    )
    events = await rows(
        services, "SELECT changes FROM outbox_events WHERE event_type = 'PASSWORD_RESET'"
    )
    assert [row[0] for row in audit] == [
        [{"field": "password", "old": None, "new": None, "secret": True}]
    ]
    assert len(events) == 1
    notices = await smtp.arrived(ADDRESS, count=2)
    assert notices[-1]["Subject"] == "CLAVE REINICIADA - ECUAPASS"
    # The code was used up.
    again = await reset(api, code_in(mail), password="Otra-Clave-Segura-47")
    assert again["errors"][0]["code"] == "CODE_EXPIRED"


async def test_the_code_mail_follows_accept_language(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    await requested(api, **{"Accept-Language": "en"})
    [mail] = await smtp.arrived(ADDRESS)
    assert mail["Subject"] == "PASSWORD RESET - ECUAPASS"
    text_part = mail.get_body(preferencelist=("plain",))
    assert text_part is not None
    assert "If you did not ask for it" in text_part.get_content()


async def test_an_employee_may_use_its_companys_ruc(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await make_employee(services, "1790123456001")
    await requested(api, "1790123456001", "EMPLEADO01")
    assert len(await smtp.arrived("empleado@empresa.example")) == 1


async def test_unknown_wrong_pair_and_disabled_users_get_the_same_answer_and_no_mail(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    await make_operator(
        services, user_id="INACTIVO01", identification="1704567898", email="inactivo@correo.example"
    )
    async with services.transaction() as session:
        await session.exec(
            text("UPDATE operators SET status = 'DISABLED' WHERE user_id = 'INACTIVO01'")
        )  # type: ignore[call-overload]
    known = await requested(api)
    answers = [
        await requested(api, "0912345675001", "NADIE99"),  # unknown user
        await requested(api, "1704567898", "USUARIO01"),  # the pair does not match
        await requested(api, "1704567898", "INACTIVO01"),  # disabled
    ]
    assert all(answer == known for answer in answers)
    await asyncio.sleep(0.5)
    assert len(smtp.to(ADDRESS)) == 1
    assert smtp.to("inactivo@correo.example") == []


async def test_each_refusal_names_its_field_and_writes_nothing(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    await requested(api)
    [mail] = await smtp.arrived(ADDRESS)
    code = code_in(mail)
    mismatch = await reset(api, code, confirmation="Otra-Cosa-Distinta-99")
    assert [(e["field"], e["code"]) for e in mismatch["errors"]] == [
        ("newPasswordConfirmation", "MISMATCH")
    ]
    weak = await reset(api, code, password="corta")
    assert {e["field"] for e in weak["errors"]} == {"newPassword"}
    wrong = await reset(api, "ZZZZ9999")
    assert [(e["field"], e["code"]) for e in wrong["errors"]] == [("code", "CODE_INVALID")]
    assert "4" in wrong["errors"][0]["message"]  # attempts left: only the wrong code counted
    unknown = await reset(api, code, user_id="NADIE99")
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("code", "CODE_EXPIRED")]
    assert await count_rows(services, "audit_entries") == 1  # the registration only
    # The right code still works after all that.
    assert (await reset(api, code))["errors"] == []


async def test_parallel_requests_send_at_most_one_mail(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    answers = await asyncio.gather(*(requested(api) for _ in range(20)))
    assert len({str(a) for a in answers}) == 1  # the same answer for all
    await asyncio.sleep(0.5)
    assert len(smtp.to(ADDRESS)) == 1


async def test_parallel_wrong_codes_lock_the_code_after_five(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    await requested(api)
    [mail] = await smtp.arrived(ADDRESS)
    results = await asyncio.gather(*(reset(api, f"ZZZZ{n:04d}") for n in range(12)))
    outcomes = Counter(r["errors"][0]["code"] for r in results)
    assert outcomes["CODE_INVALID"] == 4
    assert outcomes["CODE_LOCKED"] == 8
    assert (await reset(api, code_in(mail)))["errors"][0]["code"] == "CODE_LOCKED"


async def test_no_code_or_password_reaches_the_log(
    api: Api, services: Services, smtp: SmtpSink, server: Server
) -> None:
    await make_operator(services)
    await requested(api)
    [mail] = await smtp.arrived(ADDRESS)
    code = code_in(mail)
    await reset(api, code, confirmation="Otra-Cosa-Distinta-99")
    await reset(api, code)
    log = server.log()
    for secret in (code, NEW_PASSWORD, PASSWORD):
        assert secret not in log
