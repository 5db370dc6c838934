"""A user ID staff reactivate after the yearly enforcement, or an employee its company lets update
only after January, gets a grace to do the update (ANNUAL_UPDATE_REACTIVATION_GRACE_DAYS, from
the reactivation or the grant the audit trail records) before `enforce-annual-update` disables
it: through the API and the command line, on fixed clocks, against the real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from api.domain.vocabulary import Role
from api.services.annual_update import enforce_annual_update
from api.services.container import Services, build_services
from tests.api.conftest import (
    Api,
    Environment,
    Server,
    SmtpSink,
    make_operator,
    start_server,
    stop_server,
)
from tests.api.test_annual_update import FEBRUARY_2027, registered_in, run_cli
from tests.api.test_employees import COMPANY_RUC, PERMISSION, company
from tests.api.test_yearly_update_law import REACTIVATE, an_oce, modify_with_the_mailed_code, sign

REACTIVATED_AT = datetime.fromisoformat("2027-02-10T09:00:00-05:00")
GRACE = timedelta(days=15)  # the setting's default
STATE = "{ me { status annualUpdate { status dueBy completedAt } } }"


def enforce(environment: Environment, when: datetime) -> list[str]:
    result = run_cli(environment, "enforce-annual-update", clock=when.isoformat())
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.fixture
def reactivation_day(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(
        environment.variables(CLOCK_FIXED=REACTIVATED_AT.isoformat()), tmp_path / "api.log"
    )
    yield server
    stop_server(server)


async def disabled_then_reactivated(services: Services, environment: Environment, api: Api) -> str:
    """The OCE USUARIO01, disabled by the enforcement of 2 February and reactivated by staff on
    REACTIVATED_AT; its token."""
    await an_oce(services)
    await make_operator(
        services,
        user_id="SENAE.STAFF",
        identification="0109876540",
        email="staff@aduana.example",
        role=Role.STAFF,
    )
    # The enforcement of 2 February, run by the application's own services on that clock.
    february = build_services(environment.settings(clock_fixed=FEBRUARY_2027))
    try:
        first = await enforce_annual_update(february, year=None, dry_run=False)
    finally:
        await february.close()
    assert first.disabled == ["USUARIO01"]
    staff = await api.login("0109876540", "SENAE.STAFF")
    reactivated = await api.data(REACTIVATE, {"u": "USUARIO01"}, token=staff)
    assert reactivated["reactivateOperator"]["errors"] == []
    return await api.login("0912345675001", "USUARIO01")


async def test_the_enforcement_the_day_after_a_reactivation_leaves_the_operator_active(
    services: Services, environment: Environment, reactivation_day: Server
) -> None:
    async with httpx.AsyncClient(base_url=reactivation_day.url, timeout=30) as client:
        api = Api(client)
        token = await disabled_then_reactivated(services, environment, api)
        state = (await api.data(STATE, token=token))["me"]
        assert state["status"] == "ACTIVE"
        assert state["annualUpdate"]["status"] == "OVERDUE"
        # The deadline it is told is the grace's, not January's.
        assert datetime.fromisoformat(state["annualUpdate"]["dueBy"]) == REACTIVATED_AT + GRACE

        dry = run_cli(
            environment,
            "enforce-annual-update",
            "--dry-run",
            clock=(REACTIVATED_AT + timedelta(days=1)).isoformat(),
        )
        assert dry.stdout.splitlines() == ["yearly update 2027: would disable 0 operators"]
        next_day = enforce(environment, REACTIVATED_AT + timedelta(days=1))
        assert next_day == ["yearly update 2027: disabled 0 operators"]
        assert (await api.data(STATE, token=token))["me"]["status"] == "ACTIVE"


async def test_the_enforcement_after_the_grace_disables_an_operator_still_not_updated(
    services: Services, environment: Environment, reactivation_day: Server
) -> None:
    async with httpx.AsyncClient(base_url=reactivation_day.url, timeout=30) as client:
        api = Api(client)
        await disabled_then_reactivated(services, environment, api)
        assert enforce(environment, REACTIVATED_AT + GRACE) == [
            "yearly update 2027: disabled 1 operator",
            "USUARIO01",
        ]
        staff = await api.login("0109876540", "SENAE.STAFF")
        seen = await api.data(
            '{ operator(userId: "USUARIO01") { status annualUpdate { status } } '
            'operatorHistory(userId: "USUARIO01", first: 3) '
            "{ edges { node { operation actor { kind } } } } }",
            token=staff,
        )
    assert seen["operator"] == {"status": "DISABLED", "annualUpdate": {"status": "DISABLED"}}
    assert [e["node"] for e in seen["operatorHistory"]["edges"]] == [
        {"operation": "DISABLE_ANNUAL_UPDATE", "actor": {"kind": "SYSTEM"}},
        {"operation": "REACTIVATE", "actor": {"kind": "STAFF"}},
        {"operation": "DISABLE_ANNUAL_UPDATE", "actor": {"kind": "SYSTEM"}},
    ]


async def test_a_reactivated_operator_that_completes_the_update_is_not_disabled_again_that_year(
    services: Services, environment: Environment, reactivation_day: Server, smtp: SmtpSink
) -> None:
    async with httpx.AsyncClient(base_url=reactivation_day.url, timeout=30) as client:
        api = Api(client)
        token = await disabled_then_reactivated(services, environment, api)
        await modify_with_the_mailed_code(api, smtp, token)
        await sign(api, environment, token)
        for later in (REACTIVATED_AT + GRACE, datetime.fromisoformat("2027-11-30T12:00:00-05:00")):
            assert enforce(environment, later) == ["yearly update 2027: disabled 0 operators"]
        state = (await api.data(STATE, token=token))["me"]
    assert state["status"] == "ACTIVE"
    assert state["annualUpdate"]["status"] == "COMPLETED_LATE"
    assert state["annualUpdate"]["completedAt"].startswith("2027-02-10")


async def test_an_employee_granted_the_permission_after_january_gets_the_grace_from_the_grant(
    services: Services, environment: Environment, reactivation_day: Server
) -> None:
    await company(services)
    for user_id in ("REPRE01", "EMPLEADO01"):
        await registered_in(services, user_id, datetime.fromisoformat("2026-05-01T09:00:00-05:00"))
    async with httpx.AsyncClient(base_url=reactivation_day.url, timeout=30) as client:
        api = Api(client)
        representative = await api.login(COMPANY_RUC, "REPRE01")
        granted = await api.data(PERMISSION, {"u": "EMPLEADO01", "a": True}, token=representative)
        assert granted["setEmployeePermission"]["errors"] == []
        employee = await api.login(COMPANY_RUC, "EMPLEADO01")
        state = (await api.data(STATE, token=employee))["me"]
        assert state["annualUpdate"]["status"] == "OVERDUE"
        assert datetime.fromisoformat(state["annualUpdate"]["dueBy"]) == REACTIVATED_AT + GRACE
        # The representative had January; the employee, refused the update until the grant, has
        # the grace after it.
        assert enforce(environment, REACTIVATED_AT + timedelta(days=1))[1:] == ["REPRE01"]
        assert enforce(environment, REACTIVATED_AT + GRACE)[1:] == ["EMPLEADO01"]
