"""The yearly update as resolution SENAE-DGN-2016-0364-RE and the guide say it, through the API
and the command line on fixed clocks: success only when the update is complete, a late update
that counts for its year, and who owes it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from api.domain.vocabulary import RegistrationTypeCode, Role
from api.services.container import Services
from tests.api.conftest import (
    ROOT,
    Api,
    Environment,
    Server,
    SmtpSink,
    make_operator,
    start_server,
    stop_server,
)
from tests.api.test_agreement import CEDULA, SIGN, current
from tests.api.test_annual_update import (
    FEBRUARY_2027,
    JANUARY_2027,
    OCE,
    registered_in,
    run_cli,
)
from tests.api.test_employees import COMPANY_RUC
from tests.api.test_modify import MODIFY, code_from, form

STATUS = "{ me { annualUpdate { year status completedAt missing } agreementPending } }"
STAFF_LIST = (
    "query($s: AnnualUpdateStatus) { operators(annualUpdateStatus: $s) "
    "{ edges { node { userId } } } }"
)
REACTIVATE = """mutation($u: String!) {
  reactivateOperator(userId: $u, reason: "Solicitó actualizar sus datos") { errors { code } }
}"""


@pytest.fixture
def january_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(environment.variables(CLOCK_FIXED=JANUARY_2027), tmp_path / "api.log")
    yield server
    stop_server(server)


@pytest.fixture
def february_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(environment.variables(CLOCK_FIXED=FEBRUARY_2027), tmp_path / "api.log")
    yield server
    stop_server(server)


async def an_oce(services: Services) -> None:
    await make_operator(services, registration_type=OCE)
    await registered_in(services, "USUARIO01", datetime(2026, 5, 1, tzinfo=UTC))


@asynccontextmanager
async def an_oce_signed_in(services: Services, server: Server) -> AsyncIterator[tuple[Api, str]]:
    """The OCE USUARIO01, registered in 2026, signed in on `server`: its client and token."""
    await an_oce(services)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        api = Api(client)
        yield api, await api.login("0912345675001", "USUARIO01")


async def sign(api: Api, environment: Environment, token: str, **headers: str) -> dict[str, Any]:
    agreement = await current(api)
    signer = environment.ca.issue(serial_number=CEDULA, common_name="ANA LUCIA GONZALEZ VERA")
    variables = {
        "v": agreement["version"],
        "s": signer.sign(agreement["text"]),
        "c": signer.certificate_pem,
    }
    signed: dict[str, Any] = (await api.data(SIGN, variables, token=token, headers=headers))[
        "signAgreement"
    ]
    assert signed["errors"] == [], signed
    return signed


async def modify_with_the_mailed_code(api: Api, smtp: SmtpSink, token: str) -> str:
    """The answer's message of a successful "Modificar"."""
    address = "ana.gonzalez@correo.example"
    sent = await api.data(
        f'mutation {{ requestSecurityCode(email: "{address}") {{ errors {{ code }} }} }}',
        token=token,
    )
    assert sent["requestSecurityCode"]["errors"] == []
    code = code_from(smtp.to(address)[-1])
    modified = await api.data(MODIFY, {"input": form(securityCode=code)}, token=token)
    assert modified["modify"]["errors"] == []
    message: str = modified["modify"]["message"]
    return message


async def updated_and_signed_in_december_2026(services: Services, version: str) -> None:
    """Last year's update and signature, as the rows keep them."""
    async with services.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            text(
                "UPDATE operators SET last_update_at = :updated, agreement_signed_at = :signed, "
                "agreement_version = :v WHERE user_id = 'USUARIO01'"
            ).bindparams(
                updated=datetime(2026, 12, 10, 15, tzinfo=UTC),
                signed=datetime(2026, 12, 10, 15, 5, tzinfo=UTC),
                v=version,
            )
        )


async def test_signing_without_this_years_update_says_what_is_missing_not_success(
    services: Services, environment: Environment, january_server: Server
) -> None:
    async with an_oce_signed_in(services, january_server) as (api, token):
        signed = await sign(api, environment, token)
        assert "éxito" not in signed["message"]
        assert "aún no está completa" in signed["message"]
        assert "Modificar" in signed["message"]
        assert signed["operator"]["annualUpdate"]["status"] == "DUE"
        state = (await api.data(STATUS, token=token))["me"]
        assert state["annualUpdate"]["missing"] == ["MODIFY", "SIGN_AGREEMENT"]
        assert state["agreementPending"] is False


async def test_signing_after_january_without_an_update_says_what_is_missing_not_success(
    services: Services, environment: Environment, february_server: Server
) -> None:
    async with an_oce_signed_in(services, february_server) as (api, token):
        signed = await sign(api, environment, token, **{"Accept-Language": "en"})
        assert "successfully" not in signed["message"]
        assert "2027 is not complete yet" in signed["message"]
        assert signed["operator"]["annualUpdate"]["status"] == "OVERDUE"


async def test_signing_again_what_last_year_signed_says_this_years_update_is_missing(
    services: Services, environment: Environment, january_server: Server
) -> None:
    async with an_oce_signed_in(services, january_server) as (api, token):
        await updated_and_signed_in_december_2026(services, (await current(api))["version"])
        signed = await sign(api, environment, token)
        assert signed["alreadySigned"] is True
        assert "no se registró nada nuevo" in signed["message"]
        assert "de 2027 aún no está completa" in signed["message"]
        assert "Modificar" in signed["message"]
        state = (await api.data(STATUS, token=token))["me"]["annualUpdate"]
        assert state["status"] == "DUE"
        assert state["missing"] == ["MODIFY", "SIGN_AGREEMENT"]


async def test_the_update_then_the_signature_in_january_answers_the_guides_success(
    services: Services, environment: Environment, january_server: Server, smtp: SmtpSink
) -> None:
    async with an_oce_signed_in(services, january_server) as (api, token):
        modified = await modify_with_the_mailed_code(api, smtp, token)
        # Halfway, the answer says what is left, not the guide's "update done".
        assert "Su actualización de Datos se ha realizado con éxito" not in modified
        assert "firme con su TOKEN el Convenio" in modified
        halfway = (await api.data(STATUS, token=token))["me"]["annualUpdate"]
        assert halfway["missing"] == ["SIGN_AGREEMENT"]
        signed = await sign(api, environment, token, **{"Accept-Language": "en"})
        assert signed["message"].endswith("Your data update was completed successfully")
        assert signed["operator"]["annualUpdate"]["status"] == "UP_TO_DATE"


async def test_a_reenabled_operator_that_updates_and_signs_after_january_completes_late(
    services: Services, environment: Environment, february_server: Server, smtp: SmtpSink
) -> None:
    await an_oce(services)
    await make_operator(
        services,
        user_id="SENAE.STAFF",
        identification="0109876540",
        email="staff@aduana.example",
        role=Role.STAFF,
    )
    first = run_cli(environment, "enforce-annual-update", clock=FEBRUARY_2027)
    assert first.stdout.splitlines() == ["yearly update 2027: disabled 1 operator", "USUARIO01"]

    async with httpx.AsyncClient(base_url=february_server.url, timeout=30) as client:
        api = Api(client)
        staff = await api.login("0109876540", "SENAE.STAFF")
        reactivated = await api.data(REACTIVATE, {"u": "USUARIO01"}, token=staff)
        assert reactivated["reactivateOperator"]["errors"] == []
        token = await api.login("0912345675001", "USUARIO01")
        assert (await api.data(STATUS, token=token))["me"]["annualUpdate"]["status"] == "OVERDUE"
        await modify_with_the_mailed_code(api, smtp, token)
        signed = await sign(api, environment, token)
        assert "Su actualización de Datos se ha realizado con éxito" in signed["message"]
        assert "fuera del plazo" in signed["message"]
        late = signed["operator"]["annualUpdate"]
        assert late["status"] == "COMPLETED_LATE"
        assert late["completedAt"].startswith("2027-02-02")

        again = run_cli(environment, "enforce-annual-update", "--year", "2027", clock=FEBRUARY_2027)
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines() == ["yearly update 2027: disabled 0 operators"]
        assert (await api.data(STATUS, token=token))["me"]["annualUpdate"]["status"] == (
            "COMPLETED_LATE"
        )
        listed = (await api.data(STAFF_LIST, {"s": "COMPLETED_LATE"}, token=staff))["operators"]
        assert [e["node"]["userId"] for e in listed["edges"]] == ["USUARIO01"]
        on_time = (await api.data(STAFF_LIST, {"s": "UP_TO_DATE"}, token=staff))["operators"]
        assert [e["node"]["userId"] for e in on_time["edges"]] == ["SENAE.STAFF"]


def dry_run_covering(environment: Environment, types: str) -> subprocess.CompletedProcess[str]:
    variables = environment.variables(CLOCK_FIXED=FEBRUARY_2027, ANNUAL_UPDATE_TYPES=types)
    return subprocess.run(
        [sys.executable, "-m", "api", "enforce-annual-update", "--dry-run"],
        cwd=ROOT,
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_a_general_user_owes_no_yearly_update_by_default(
    services: Services, environment: Environment
) -> None:
    await make_operator(services, registration_type=RegistrationTypeCode.GENERAL_USER)
    await registered_in(services, "USUARIO01", datetime(2026, 5, 1, tzinfo=UTC))
    reminders = run_cli(environment, "remind-annual-update", clock=JANUARY_2027)
    assert reminders.stdout.splitlines() == ["reminders sent: 0"]
    enforced = run_cli(environment, "enforce-annual-update", "--dry-run", clock=FEBRUARY_2027)
    assert enforced.stdout.splitlines() == ["yearly update 2027: would disable 0 operators"]
    # The covered types are a setting: with Usuario General among them, it owes it.
    covered = dry_run_covering(environment, "GENERAL_USER,EMPLOYEE")
    assert covered.stdout.splitlines() == [
        "yearly update 2027: would disable 1 operator",
        "USUARIO01",
    ]


async def employees(services: Services) -> None:
    """EMPLEADO01 never got its company's permission; EMPLEADO02 did."""
    for user_id, identification, allowed in (
        ("EMPLEADO01", "1704567898", False),
        ("EMPLEADO02", "1305554444", True),
    ):
        await make_operator(
            services,
            user_id=user_id,
            identification=identification,
            email=f"{user_id.lower()}@empresa.example",
            registration_type=RegistrationTypeCode.EMPLOYEE,
            company_ruc=COMPANY_RUC,
        )
        await registered_in(services, user_id, datetime(2026, 5, 1, tzinfo=UTC))
        async with services.transaction() as session:
            await session.exec(  # type: ignore[call-overload]
                text("UPDATE operators SET employee_permission = :p WHERE user_id = :u").bindparams(
                    p=allowed, u=user_id
                )
            )


async def test_an_employee_refused_the_update_is_neither_reminded_nor_disabled(
    services: Services, environment: Environment, january_server: Server
) -> None:
    await employees(services)
    async with httpx.AsyncClient(base_url=january_server.url, timeout=30) as client:
        api = Api(client)
        token = await api.login("1704567898", "EMPLEADO01")
        refused = await api.data(MODIFY, {"input": form(securityCode="ABCD2345")}, token=token)
        assert [e["code"] for e in refused["modify"]["errors"]] == ["PERMISSION_NOT_GRANTED"]
        state = (await api.data(STATUS, token=token))["me"]["annualUpdate"]
        assert state["status"] == "UP_TO_DATE"
        assert state["missing"] == []
        allowed = await api.login("1305554444", "EMPLEADO02")
        assert (await api.data(STATUS, token=allowed))["me"]["annualUpdate"]["status"] == "DUE"

    reminders = run_cli(environment, "remind-annual-update", clock=JANUARY_2027)
    assert reminders.stdout.splitlines() == ["reminders sent: 1", "EMPLEADO02"]
    enforced = run_cli(environment, "enforce-annual-update", clock=FEBRUARY_2027)
    assert enforced.stdout.splitlines() == [
        "yearly update 2027: disabled 1 operator",
        "EMPLEADO02",
    ]
