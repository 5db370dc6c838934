"""The yearly update of resolution SENAE-DGN-2016-0364-RE, on fixed clocks: status through the
API, reminders and enforcement through the command line, reactivation by staff."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from api.domain.lifecycle import AnnualUpdateStatus, local
from api.domain.vocabulary import RegistrationTypeCode, Role
from api.services.annual_update import list_operators, operator_cursor
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

FEBRUARY_2027 = "2027-02-02T09:00:00-05:00"
JANUARY_2027 = "2027-01-15T09:00:00-05:00"


def run_cli(environment: Environment, *args: str, clock: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api", *args],
        cwd=ROOT,
        env={**os.environ, **environment.variables(CLOCK_FIXED=clock)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def registered_in(services: Services, user_id: str, when: datetime) -> None:
    async with services.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            text("UPDATE operators SET created_at = :when WHERE user_id = :u").bindparams(
                when=when, u=user_id
            )
        )


async def completed(services: Services, user_id: str, year: int) -> None:
    async with services.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            text(
                "INSERT INTO annual_updates (operator_id, year, completed_at) "
                "SELECT id, :y, :at FROM operators WHERE user_id = :u"
            ).bindparams(y=year, at=datetime(year, 1, 20, 15, tzinfo=UTC), u=user_id)
        )


# The duty's default covered type: the OCE's own registration (README "The yearly update").
OCE = RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE


async def three_operators(services: Services) -> None:
    """OVERDUE01 owes 2027 and did nothing; DONE01 completed 2027; NEW01 registered in 2027."""
    await make_operator(
        services,
        user_id="OVERDUE01",
        identification="0912345675001",
        email="a@correo.example",
        registration_type=OCE,
    )
    await make_operator(
        services,
        user_id="DONE01",
        identification="1704567898001",
        email="b@correo.example",
        registration_type=OCE,
    )
    await make_operator(
        services,
        user_id="NEW01",
        identification="1305554444001",
        email="c@correo.example",
        registration_type=OCE,
    )
    await make_operator(
        services,
        user_id="SENAE.STAFF",
        identification="0109876540",
        email="staff@aduana.example",
        role=Role.STAFF,
    )
    for user_id in ("OVERDUE01", "DONE01", "SENAE.STAFF"):
        await registered_in(services, user_id, datetime(2026, 5, 1, tzinfo=UTC))
    await registered_in(services, "NEW01", datetime(2027, 1, 3, tzinfo=UTC))
    await completed(services, "DONE01", 2027)


@pytest.fixture
def february_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(environment.variables(CLOCK_FIXED=FEBRUARY_2027), tmp_path / "api.log")
    yield server
    stop_server(server)


async def test_enforcement_disables_exactly_the_overdue_operators(
    services: Services, environment: Environment, smtp: SmtpSink
) -> None:
    await three_operators(services)
    dry = run_cli(environment, "enforce-annual-update", "--dry-run", clock=FEBRUARY_2027)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == ["yearly update 2027: would disable 1 operator", "OVERDUE01"]
    async with services.reading() as session:
        statuses = dict((await session.exec(text("SELECT user_id, status FROM operators"))).all())  # type: ignore[call-overload]
    assert set(statuses.values()) == {"ACTIVE"}  # a dry run changes nothing

    real = run_cli(environment, "enforce-annual-update", "--year", "2027", clock=FEBRUARY_2027)
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines() == ["yearly update 2027: disabled 1 operator", "OVERDUE01"]
    async with services.reading() as session:
        statuses = dict((await session.exec(text("SELECT user_id, status FROM operators"))).all())  # type: ignore[call-overload]
        reason = (
            await session.exec(
                text("SELECT status_reason FROM operators WHERE user_id = 'OVERDUE01'")
            )  # type: ignore[call-overload]
        ).scalar_one()
    assert statuses == {
        "OVERDUE01": "DISABLED",
        "DONE01": "ACTIVE",
        "NEW01": "ACTIVE",
        "SENAE.STAFF": "ACTIVE",
    }
    assert "enero de 2027" in reason
    assert any("INHABILITADO" in str(m["Subject"]) for m in smtp.to("a@correo.example"))

    again = run_cli(environment, "enforce-annual-update", clock=FEBRUARY_2027)
    assert again.stdout.splitlines() == ["yearly update 2027: disabled 0 operators"]


async def test_enforcement_refuses_to_run_before_january_is_over(
    services: Services, environment: Environment
) -> None:
    await three_operators(services)
    result = run_cli(environment, "enforce-annual-update", clock=JANUARY_2027)
    assert result.returncode == 1
    assert "enero de 2027 no ha terminado" in result.stderr
    assert "Este campo" not in result.stderr  # not a form field's message


async def test_reminders_go_once_per_due_operator_in_january(
    services: Services, environment: Environment, smtp: SmtpSink
) -> None:
    await three_operators(services)
    first = run_cli(environment, "remind-annual-update", clock=JANUARY_2027)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["reminders sent: 1", "OVERDUE01"]
    [reminder] = smtp.to("a@correo.example")
    assert "ACTUALIZACIÓN ANUAL DE DATOS 2027" in str(reminder["Subject"])
    second = run_cli(environment, "remind-annual-update", clock=JANUARY_2027)
    assert second.stdout.splitlines() == ["reminders sent: 0"]
    assert len(smtp.to("a@correo.example")) == 1


async def test_status_through_the_api_and_staffs_lists_by_status(
    services: Services, february_server: Server
) -> None:
    await three_operators(services)
    async with httpx.AsyncClient(base_url=february_server.url, timeout=30) as client:
        api = Api(client)
        token = await api.login("0912345675001", "OVERDUE01")
        me = (
            await api.data("{ me { annualUpdate { year status completedAt dueBy } } }", token=token)
        )["me"]
        assert me["annualUpdate"]["year"] == 2027
        assert me["annualUpdate"]["status"] == "OVERDUE"
        assert me["annualUpdate"]["completedAt"] is None
        assert me["annualUpdate"]["dueBy"].startswith("2027-01-31T23:59:59")
        staff = await api.login("0109876540", "SENAE.STAFF")
        query = "query($s: AnnualUpdateStatus) { operators(annualUpdateStatus: $s) { edges { node { userId annualUpdate { status } } } } }"
        overdue = (await api.data(query, {"s": "OVERDUE"}, token=staff))["operators"]["edges"]
        assert [e["node"]["userId"] for e in overdue] == ["OVERDUE01"]
        up_to_date = (await api.data(query, {"s": "UP_TO_DATE"}, token=staff))["operators"]["edges"]
        assert sorted(e["node"]["userId"] for e in up_to_date) == ["DONE01", "NEW01", "SENAE.STAFF"]
        due = (await api.data(query, {"s": "DUE"}, token=staff))["operators"]["edges"]
        assert due == []
        refused = await api.post(query, {"s": "OVERDUE"}, token=token)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_staff_reactivate_a_disabled_operator_with_a_reason(
    api: Api, services: Services
) -> None:
    await make_operator(services)
    await make_operator(
        services,
        user_id="SENAE.STAFF",
        identification="0109876540",
        email="staff@aduana.example",
        role=Role.STAFF,
    )
    async with services.transaction() as session:
        await session.exec(
            text("UPDATE operators SET status = 'DISABLED' WHERE user_id = 'USUARIO01'")
        )  # type: ignore[call-overload]
    staff = await api.login("0109876540", "SENAE.STAFF")
    mutation = """mutation($u: String!, $r: String!) {
      reactivateOperator(userId: $u, reason: $r) { operator { status statusReason } message errors { field code message } }
    }"""
    result = (
        await api.data(
            mutation, {"u": "usuario01", "r": "Actualizó sus datos en ventanilla"}, token=staff
        )
    )["reactivateOperator"]
    assert result["operator"] == {
        "status": "ACTIVE",
        "statusReason": "Actualizó sus datos en ventanilla",
    }
    again = (await api.data(mutation, {"u": "USUARIO01", "r": "otra vez"}, token=staff))[
        "reactivateOperator"
    ]
    assert again["errors"][0]["code"] == "ALREADY_ACTIVE"
    assert "ya está habilitado" in again["errors"][0]["message"]
    assert "Este campo" not in again["errors"][0]["message"]  # not a form field's message
    await api.login("0912345675001", "USUARIO01")
    history = await api.data(
        '{ operatorHistory(userId: "USUARIO01", first: 1) { edges { node { operation actor { kind userId } } } } }',
        token=staff,
    )
    assert history["operatorHistory"]["edges"][0]["node"] == {
        "operation": "REACTIVATE",
        "actor": {"kind": "STAFF", "userId": "SENAE.STAFF"},
    }


async def test_staff_pages_through_a_status_list_without_losing_or_repeating_anyone(
    services: Services,
) -> None:
    today = local(services.clock.now())
    status = AnnualUpdateStatus.DUE if today.month == 1 else AnnualUpdateStatus.OVERDUE
    user_ids = [f"PAGED{n:02}" for n in range(7)]
    for user_id in user_ids:
        await make_operator(
            services,
            user_id=user_id,
            email=f"{user_id.lower()}@correo.example",
            registration_type=OCE,
        )
        await registered_in(services, user_id, datetime(today.year - 1, 6, 1, tzinfo=UTC))
    for user_id in user_ids[1::2]:
        await completed(services, user_id, today.year)

    seen: list[str] = []
    after: str | None = None
    while True:
        page = await list_operators(services, status=status, first=2, after=after)
        seen += [row.user_id for row in page.rows]
        if not page.has_next_page:
            break
        after = operator_cursor(page.rows[-1].id or 0)

    assert seen == user_ids[0::2]
    up_to_date = await list_operators(
        services, status=AnnualUpdateStatus.UP_TO_DATE, first=50, after=None
    )
    assert [row.user_id for row in up_to_date.rows] == user_ids[1::2]


async def latest_years(services: Services) -> dict[str, int | None]:
    async with services.reading() as session:
        rows = await session.exec(  # type: ignore[call-overload]
            text("SELECT user_id, annual_update_year FROM operators ORDER BY user_id")
        )
        return {user_id: year for user_id, year in rows.all()}


async def test_the_latest_year_done_is_kept_on_the_operator_whoever_writes_it(
    services: Services,
) -> None:
    """The DUE list reads operators.annual_update_year (indexed); a trigger keeps it from
    annual_updates, here written in plain SQL as a script or a restore would."""
    await three_operators(services)
    before = await latest_years(services)

    await completed(services, "OVERDUE01", 2025)
    await completed(services, "OVERDUE01", 2027)
    await completed(services, "OVERDUE01", 2026)  # an older year, recorded late

    after = await latest_years(services)
    assert before["OVERDUE01"] is None
    assert after["OVERDUE01"] == 2027
    assert after["DONE01"] == 2027
    assert after["NEW01"] is None


def test_the_sqlite_database_keeps_the_latest_year_too(tmp_path: Path) -> None:
    """The zero-setup database runs the same migration, with SQLite's own trigger."""
    from api.persistence.migrate import upgrade_to_head

    path = tmp_path / "api.db"
    upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    with sqlite3.connect(path) as db:
        required = [
            (name, kind)
            for _, name, kind, not_null, default, primary in db.execute(
                "PRAGMA table_info(operators)"
            )
            if not_null and default is None and not primary
        ]
        values = [
            1 if "INT" in kind.upper() or "BOOL" in kind.upper() else "x" for _, kind in required
        ]
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute(
            f"INSERT INTO operators (id, {', '.join(name for name, _ in required)}) "
            f"VALUES (7, {', '.join('?' for _ in required)})",
            values,
        )
        for year in (2026, 2027, 2025):
            db.execute(
                "INSERT INTO annual_updates (operator_id, year, completed_at) VALUES (7, ?, ?)",
                (year, "2027-01-20 15:00:00"),
            )
        (latest,) = db.execute("SELECT annual_update_year FROM operators WHERE id = 7").fetchone()
    assert latest == 2027
