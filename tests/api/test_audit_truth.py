"""One change, one audit row, one event, each with the value before and the value after; every
refusal a UserError. Proven with parallel requests against the real PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from sqlalchemy import text

from api.domain.vocabulary import RegistrationTypeCode
from api.services.container import Services
from tests.api.conftest import Api, make_operator, make_staff

COMPANY_RUC = "1790123456001"
PERMISSION = """mutation($u: String!, $a: Boolean!) {
  setEmployeePermission(userId: $u, allowed: $a) { operator { employeePermission } errors { code } }
}"""
REACTIVATE = """mutation($u: String!) {
  reactivateOperator(userId: $u, reason: "Actualizó sus datos en ventanilla") { errors { code } }
}"""
PUBLISH = """mutation($t: String!) {
  publishAgreement(text: $t) { agreement { version } errors { field code message } }
}"""
AGREEMENT = "CONVENIO PARA LA UTILIZACIÓN DE CANALES ELECTRÓNICOS O TECNOLÓGICOS DEL SENAE. " * 4


async def rows(services: Services, sql: str) -> list[Any]:
    async with services.reading() as session:
        return list((await session.exec(text(sql))).all())  # type: ignore[call-overload]


async def staff_token(api: Api, services: Services) -> str:
    await make_staff(services)
    return await api.login("1704567898", "SENAE.STAFF")


async def test_a_permission_change_is_recorded_with_the_value_before_and_after_once(
    api: Api, services: Services
) -> None:
    await make_operator(
        services,
        user_id="REPRE01",
        identification=COMPANY_RUC,
        email="repre@empresa.example",
        registration_type=RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE,
        company_ruc=COMPANY_RUC,
    )
    await make_operator(
        services,
        user_id="EMPLEADO01",
        identification="0912345675001",
        email="empleado@empresa.example",
        registration_type=RegistrationTypeCode.EMPLOYEE,
        company_ruc=COMPANY_RUC,
    )
    token = await api.login(COMPANY_RUC, "REPRE01")
    results = await asyncio.gather(
        *(api.data(PERMISSION, {"u": "EMPLEADO01", "a": True}, token=token) for _ in range(6))
    )
    assert all(r["setEmployeePermission"]["errors"] == [] for r in results)
    audit = await rows(
        services, "SELECT changes FROM audit_entries WHERE operation = 'SET_EMPLOYEE_PERMISSION'"
    )
    assert [row[0] for row in audit] == [
        [{"field": "employeePermission", "old": False, "new": True}]
    ]
    events = await rows(
        services,
        "SELECT changes FROM outbox_events WHERE user_id = 'EMPLEADO01' "
        "AND event_type = 'OPERATOR_UPDATED'",
    )
    assert [row[0] for row in events] == [
        [{"field": "employeePermission", "old": False, "new": True}]
    ]


async def test_parallel_reactivations_write_one_audit_row_and_one_event(
    api: Api, services: Services
) -> None:
    staff = await staff_token(api, services)
    await make_operator(services)
    async with services.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            text(
                "UPDATE operators SET status = 'DISABLED', status_reason = 'Sin actualización' "
                "WHERE user_id = 'USUARIO01'"
            )
        )
    results = await asyncio.gather(
        *(api.data(REACTIVATE, {"u": "USUARIO01"}, token=staff) for _ in range(6))
    )
    outcomes = Counter(
        (r["reactivateOperator"]["errors"] or [{"code": "OK"}])[0]["code"] for r in results
    )
    assert outcomes == {"OK": 1, "ALREADY_ACTIVE": 5}
    audit = await rows(services, "SELECT changes FROM audit_entries WHERE operation = 'REACTIVATE'")
    assert len(audit) == 1
    assert audit[0][0][0] == {"field": "status", "old": "DISABLED", "new": "ACTIVE"}
    assert audit[0][0][1]["old"] == "Sin actualización"
    events = await rows(
        services, "SELECT 1 FROM outbox_events WHERE event_type = 'OPERATOR_REACTIVATED'"
    )
    assert len(events) == 1


async def test_an_approval_records_the_status_it_ended(api: Api, services: Services) -> None:
    staff = await staff_token(api, services)
    await make_operator(services)
    user = await api.login("0912345675001", "USUARIO01")
    request = await api.data(
        'mutation { requestDeregistration(reason: "Cierre") { request { id } } }', token=user
    )
    request_id = request["requestDeregistration"]["request"]["id"]
    approved = await api.data(
        "mutation($id: ID!) { approveDeregistration(requestId: $id) { errors { code } } }",
        {"id": request_id},
        token=staff,
    )
    assert approved["approveDeregistration"]["errors"] == []
    [audit] = await rows(
        services, "SELECT changes FROM audit_entries WHERE operation = 'APPROVE_DEREGISTRATION'"
    )
    assert {"field": "status", "old": "ACTIVE", "new": "DISABLED"} in audit[0]


async def test_parallel_publications_of_one_text_publish_it_once(
    api: Api, services: Services
) -> None:
    staff = await staff_token(api, services)
    results = await asyncio.gather(
        *(api.data(PUBLISH, {"t": AGREEMENT}, token=staff) for _ in range(4))
    )
    outcomes = Counter(
        (r["publishAgreement"]["errors"] or [{"code": "OK"}])[0]["code"] for r in results
    )
    assert outcomes == {"OK": 1, "ALREADY_PUBLISHED": 3}


async def test_parallel_publications_of_different_texts_each_get_their_own_version(
    api: Api, services: Services
) -> None:
    staff = await staff_token(api, services)
    results = await asyncio.gather(
        *(api.data(PUBLISH, {"t": f"{AGREEMENT} Versión {n}."}, token=staff) for n in range(4))
    )
    versions = [r["publishAgreement"]["agreement"]["version"] for r in results]
    assert all(r["publishAgreement"]["errors"] == [] for r in results)
    assert len(set(versions)) == 4


async def test_a_line_is_not_an_agreement(api: Api, services: Services) -> None:
    staff = await staff_token(api, services)
    refused = (await api.data(PUBLISH, {"t": "x"}, token=staff))["publishAgreement"]
    assert refused["agreement"] is None
    [error] = refused["errors"]
    assert (error["field"], error["code"]) == ("text", "TOO_SHORT")
    assert "200" in error["message"]
