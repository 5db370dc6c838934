""" "Solicitud de baja" (§5.8) and staff's review, through the GraphQL endpoint."""

from __future__ import annotations

import asyncio

from api.domain.vocabulary import Role
from api.services.container import Services
from tests.api.conftest import Api, Environment, SmtpSink, count_rows, make_operator
from tests.api.test_cli import create_user_args, run_cli
from tests.api.test_modify import AVAILABILITY

REQUEST = """mutation($r: String!) {
  requestDeregistration(reason: $r) {
    request { id status reason createdAt } message errors { field code message }
  }
}"""
WITHDRAW = "mutation { withdrawDeregistration { request { id status } errors { code } } }"
QUEUE = """query($s: DeregistrationStatus, $after: String) {
  deregistrationRequests(status: $s, first: 2, after: $after) {
    edges { cursor node { id status reason operator { userId } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
APPROVE = """mutation($id: ID!) {
  approveDeregistration(requestId: $id) {
    request { status decidedBy operator { userId status } } message errors { field code }
  }
}"""
REJECT = """mutation($id: ID!, $r: String!) {
  rejectDeregistration(requestId: $id, reason: $r) {
    request { status decisionReason } errors { field code }
  }
}"""


async def user_and_staff(api: Api, services: Services) -> tuple[str, str]:
    await make_operator(services)
    await make_operator(
        services,
        user_id="SENAE.STAFF",
        identification="1704567898",
        email="staff@aduana.example",
        role=Role.STAFF,
    )
    return await api.login("0912345675001", "USUARIO01"), await api.login(
        "1704567898", "SENAE.STAFF"
    )


async def test_a_request_is_recorded_confirmed_to_the_user_and_notified_to_staff(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    token, _ = await user_and_staff(api, services)
    result = (await api.data(REQUEST, {"r": "  Cierre de la empresa  "}, token=token))[
        "requestDeregistration"
    ]
    assert result["errors"] == []
    assert result["request"]["status"] == "PENDING"
    assert result["request"]["reason"] == "Cierre de la empresa"
    assert "será revisada por el SENAE" in result["message"]
    assert len(await smtp.arrived("ana.gonzalez@correo.example")) == 1
    assert len(await smtp.arrived("registro.usuarios@aduana.gob.ec")) == 1
    me = await api.data("{ me { deregistrationRequest { status reason } } }", token=token)
    assert me["me"]["deregistrationRequest"] == {
        "status": "PENDING",
        "reason": "Cierre de la empresa",
    }


async def test_a_blank_reason_is_refused_and_nothing_is_written(
    api: Api, services: Services
) -> None:
    token, _ = await user_and_staff(api, services)
    result = (await api.data(REQUEST, {"r": "   "}, token=token))["requestDeregistration"]
    assert result["errors"] == [
        {"field": "reason", "code": "REQUIRED", "message": "Este campo es obligatorio."}
    ]
    assert await count_rows(services, "deregistration_requests") == 0


async def test_a_second_pending_request_is_refused_even_in_parallel(
    api: Api, services: Services
) -> None:
    token, _ = await user_and_staff(api, services)
    results = await asyncio.gather(
        *(api.data(REQUEST, {"r": f"Motivo {n}"}, token=token) for n in range(3))
    )
    codes = sorted(
        (r["requestDeregistration"]["errors"] or [{"code": "OK"}])[0]["code"] for r in results
    )
    assert codes == ["DEREGISTRATION_PENDING", "DEREGISTRATION_PENDING", "OK"]
    assert await count_rows(services, "deregistration_requests") == 1


async def test_the_user_may_withdraw_a_pending_request(api: Api, services: Services) -> None:
    token, _ = await user_and_staff(api, services)
    await api.data(REQUEST, {"r": "Ya no opero"}, token=token)
    result = (await api.data(WITHDRAW, token=token))["withdrawDeregistration"]
    assert result["request"]["status"] == "WITHDRAWN"
    again = (await api.data(WITHDRAW, token=token))["withdrawDeregistration"]
    assert again["errors"][0]["code"] == "NO_PENDING_DEREGISTRATION"
    # After withdrawing, a new request may be made.
    assert (await api.data(REQUEST, {"r": "Ahora sí"}, token=token))["requestDeregistration"][
        "errors"
    ] == []


async def test_requests_and_withdrawals_are_limited_to_ten_an_hour_per_user(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    token, _ = await user_and_staff(api, services)
    for n in range(5):  # ten changes: request, withdraw, five times
        assert (await api.data(REQUEST, {"r": f"Motivo {n}"}, token=token))[
            "requestDeregistration"
        ]["errors"] == []
        assert (await api.data(WITHDRAW, token=token))["withdrawDeregistration"]["errors"] == []
    mails_before = len(await smtp.arrived("registro.usuarios@aduana.gob.ec", count=5))
    refused = (
        await api.data(
            """mutation { requestDeregistration(reason: "Otra vez") {
              request { id } errors { code retryAfterSeconds } } }""",
            token=token,
        )
    )["requestDeregistration"]
    assert refused["request"] is None
    assert refused["errors"][0]["code"] == "RATE_LIMITED"
    assert 3500 < refused["errors"][0]["retryAfterSeconds"] <= 3600
    assert await count_rows(services, "deregistration_requests") == 5
    await asyncio.sleep(0.2)  # a notice, had one been queued, would have been sent by now
    assert len(smtp.to("registro.usuarios@aduana.gob.ec")) == mails_before


async def test_staff_see_the_queue_oldest_first_in_pages(api: Api, services: Services) -> None:
    token, staff = await user_and_staff(api, services)
    await make_operator(
        services, user_id="OTRO02", identification="1305554444", email="o2@correo.example"
    )
    await make_operator(
        services, user_id="OTRO03", identification="0109876540", email="o3@correo.example"
    )
    for user_id, ident in (
        ("USUARIO01", "0912345675001"),
        ("OTRO02", "1305554444"),
        ("OTRO03", "0109876540"),
    ):
        user_token = token if user_id == "USUARIO01" else await api.login(ident, user_id)
        await api.data(REQUEST, {"r": f"Baja de {user_id}"}, token=user_token)
    first = (await api.data(QUEUE, {"s": "PENDING"}, token=staff))["deregistrationRequests"]
    assert [e["node"]["operator"]["userId"] for e in first["edges"]] == ["USUARIO01", "OTRO02"]
    assert first["pageInfo"]["hasNextPage"] is True
    second = (
        await api.data(
            QUEUE, {"s": "PENDING", "after": first["pageInfo"]["endCursor"]}, token=staff
        )
    )["deregistrationRequests"]
    assert [e["node"]["operator"]["userId"] for e in second["edges"]] == ["OTRO03"]
    assert second["pageInfo"]["hasNextPage"] is False


async def test_approval_disables_the_user_ends_its_sessions_and_mails_it(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    token, staff = await user_and_staff(api, services)
    request_id = (await api.data(REQUEST, {"r": "Cierre"}, token=token))["requestDeregistration"][
        "request"
    ]["id"]
    result = (await api.data(APPROVE, {"id": request_id}, token=staff))["approveDeregistration"]
    assert result["errors"] == []
    assert result["request"]["status"] == "APPROVED"
    assert result["request"]["decidedBy"] == "SENAE.STAFF"
    assert result["request"]["operator"] == {"userId": "USUARIO01", "status": "DISABLED"}
    ended = await api.post("{ me { userId } }", token=token)
    assert ended["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    login = await api.data(
        'mutation { login(identification: "0912345675001", userId: "USUARIO01", password: "Clave-Segura-2027") { token errors { code } } }'
    )
    assert login["login"]["errors"][0]["code"] == "ACCOUNT_DISABLED"
    mails = await smtp.arrived("ana.gonzalez@correo.example", count=2)
    decided = [m for m in mails if "APROBADA" in str(m["Subject"])]
    assert len(decided) == 1
    twice = (await api.data(APPROVE, {"id": request_id}, token=staff))["approveDeregistration"]
    assert twice["errors"] == [{"field": "requestId", "code": "ALREADY_DECIDED"}]


async def test_an_approved_deregistration_releases_the_address_for_a_new_registration(
    api: Api, services: Services, environment: Environment
) -> None:
    token, staff = await user_and_staff(api, services)
    await make_operator(
        services, user_id="OTRO01", identification="1710034065", email="otro@correo.example"
    )
    other = await api.login("1710034065", "OTRO01")
    address = "ana.gonzalez@correo.example"
    before = await api.data(AVAILABILITY, {"e": address}, token=other)
    assert [e["code"] for e in before["checkEmailAvailability"]["errors"]] == ["EMAIL_TAKEN"]
    request_id = (await api.data(REQUEST, {"r": "Cambio de ID. usuario"}, token=token))[
        "requestDeregistration"
    ]["request"]["id"]
    assert (await api.data(APPROVE, {"id": request_id}, token=staff))["approveDeregistration"][
        "errors"
    ] == []
    # The address is free again for anybody...
    after = await api.data(AVAILABILITY, {"e": address}, token=other)
    assert after["checkEmailAvailability"]["errors"] == []
    assert after["checkEmailAvailability"]["available"] is True
    # ...and §5.5.1's "dar de baja [...] y, adicional se debe crear el nuevo usuario" registers the
    # person anew with it, through the registration command.
    again = run_cli(
        environment,
        *create_user_args(
            **{"--identification": "0912345675001", "--user-id": "USUARIO02", "--email": address}
        ),
    )
    assert again.returncode == 0, again.stderr
    # The old registration cannot come back: its address belongs to the new one now.
    refused = await api.data(
        """mutation { reactivateOperator(userId: "USUARIO01", reason: "Pidió volver") {
             errors { field code } } }""",
        token=staff,
    )
    assert refused["reactivateOperator"]["errors"] == [{"field": "userId", "code": "DEREGISTERED"}]


async def test_rejection_keeps_the_user_and_records_staffs_reason(
    api: Api, services: Services
) -> None:
    token, staff = await user_and_staff(api, services)
    request_id = (await api.data(REQUEST, {"r": "Cierre"}, token=token))["requestDeregistration"][
        "request"
    ]["id"]
    result = (
        await api.data(REJECT, {"id": request_id, "r": "Tiene trámites pendientes"}, token=staff)
    )["rejectDeregistration"]
    assert result["request"] == {
        "status": "REJECTED",
        "decisionReason": "Tiene trámites pendientes",
    }
    assert (await api.data("{ me { status } }", token=token))["me"]["status"] == "ACTIVE"


async def test_a_non_staff_caller_is_forbidden_and_nothing_changes(
    api: Api, services: Services
) -> None:
    token, _ = await user_and_staff(api, services)
    request_id = (await api.data(REQUEST, {"r": "Cierre"}, token=token))["requestDeregistration"][
        "request"
    ]["id"]
    result = (await api.data(APPROVE, {"id": request_id}, token=token))["approveDeregistration"]
    assert result["errors"] == [{"field": None, "code": "FORBIDDEN"}]
    queue = await api.post(QUEUE, {"s": "PENDING"}, token=token)
    assert queue["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.data("{ me { status deregistrationRequest { status } } }", token=token))[
        "me"
    ] == {
        "status": "ACTIVE",
        "deregistrationRequest": {"status": "PENDING"},
    }


async def test_every_step_is_in_the_history_and_the_outbox(api: Api, services: Services) -> None:
    token, staff = await user_and_staff(api, services)
    request_id = (await api.data(REQUEST, {"r": "Cierre"}, token=token))["requestDeregistration"][
        "request"
    ]["id"]
    await api.data(APPROVE, {"id": request_id}, token=staff)
    history = await api.data(
        '{ operatorHistory(userId: "USUARIO01") { edges { node { operation actor { kind userId } } } } }',
        token=staff,
    )
    operations = [e["node"]["operation"] for e in history["operatorHistory"]["edges"]]
    assert operations == ["APPROVE_DEREGISTRATION", "REQUEST_DEREGISTRATION", "REGISTER"]
    async with services.reading() as session:
        from sqlalchemy import text

        rows = (
            (
                await session.exec(
                    text(
                        "SELECT event_type FROM outbox_events WHERE user_id = 'USUARIO01' ORDER BY sequence"
                    )
                )  # type: ignore[call-overload]
            )
            .scalars()
            .all()
        )
    assert rows == [
        "OPERATOR_REGISTERED",
        "DEREGISTRATION_REQUESTED",
        "DEREGISTRATION_DECIDED",
        "OPERATOR_DISABLED",
    ]
