"""The reads every request makes (the session's operator, `me`) go through one statement built
with SQLAlchemy Core instead of the ORM (api/persistence/operator_records.py), run on the pooled
asyncpg connection itself when PostgreSQL is reached directly: they must answer exactly what the
ORM's row answers, for every registration type, in one statement, on either path, and survive
the loss of the pooled connections."""

from __future__ import annotations

import asyncio
from dataclasses import fields
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text

from api.domain.vocabulary import RegistrationTypeCode as T
from api.persistence.db import (
    READS_THROUGH_DRIVER,
    DatabaseUnavailable,
    fetch_row,
    reads_through_driver,
)
from api.persistence.operator_records import OperatorRecord, operator_record
from api.persistence.operators import OperatorRepository
from api.persistence.tables import OperatorRow
from api.services.container import Services, build_services
from tests.api.conftest import (
    STAFF_IDENTIFICATION,
    STAFF_USER_ID,
    Api,
    Environment,
    make_operator,
    make_staff,
)
from tests.api.test_catalogs_api import (  # noqa: F401 (fixtures)
    StatementCounter,
    in_process,
    post_in_process,
    sql_statements,
)
from tests.api.test_companies import OPERATORS, register_all

EVERY_FIELD = """id userId identification { type number } registrationType { code name } role
name country { code name } province { code name } city { code name } address phone1 phone2
mobileCarrier mobileNumber fax email senaeEmail
company { ruc name legalRepresentativeName legalRepresentativeIdentification entityName
          organizationName }
status version createdAt updatedAt lastUpdateAt statusReason employeePermission
agreementPending annualUpdate { year status missing dueBy completedAt }
deregistrationRequest { id status }"""


@pytest.mark.parametrize("registration_type", list(OPERATORS))
async def test_me_read_for_the_session_answers_what_the_orm_row_answers(
    api: Api, services: Services, registration_type: T
) -> None:
    """`me` reads the session's record; staff's `operator(userId)` reads the ORM row: the same
    operator must come out the same, company and computed fields included."""
    await register_all(services, registration_type)
    await make_staff(services)
    values = OPERATORS[registration_type]
    token = await api.login(values["identification"], values["user_id"])
    own = (await api.data(f"{{ me {{ {EVERY_FIELD} }} }}", token=token))["me"]
    staff = await api.login(STAFF_IDENTIFICATION, STAFF_USER_ID)
    query = f'{{ operator(userId: "{values["user_id"]}") {{ {EVERY_FIELD} }} }}'
    seen_by_staff = (await api.data(query, token=staff))["operator"]
    assert own == seen_by_staff
    assert own["userId"] == values["user_id"]


async def registered_row(services: Services, registration_type: T) -> OperatorRow:
    """The ORM row of the operator of `registration_type`, registered with its company."""
    await register_all(services, registration_type)
    async with services.reading() as session:
        row = await OperatorRepository(session).by_user_id(OPERATORS[registration_type]["user_id"])
    assert row is not None
    assert row.id is not None
    return row


@pytest.mark.parametrize("registration_type", list(OPERATORS))
async def test_the_record_carries_every_field_of_the_row_but_the_secrets(
    services: Services, registration_type: T
) -> None:
    row = await registered_row(services, registration_type)
    async with services.connected() as connection:
        record = await operator_record(connection, row.id or 0)
    assert isinstance(record, OperatorRecord)
    for field in fields(OperatorRecord):
        assert getattr(record, field.name) == getattr(row, field.name), field.name
    assert not hasattr(record, "password_hash")
    assert not hasattr(record, "totp_secret")


@pytest.mark.parametrize("registration_type", list(OPERATORS))
async def test_the_read_on_the_asyncpg_connection_answers_what_the_core_statement_answers(
    services: Services, registration_type: T
) -> None:
    operator_id = (await registered_row(services, registration_type)).id or 0
    through_core = services.engine.execution_options(**{READS_THROUGH_DRIVER: False})
    async with services.connected() as connection:
        assert reads_through_driver(connection)
        direct = await operator_record(connection, operator_id)
    async with through_core.connect() as connection:
        assert not reads_through_driver(connection)
        core = await operator_record(connection, operator_id)
    assert direct is not None
    assert direct == core


async def test_an_unknown_operator_has_no_record(services: Services) -> None:
    async with services.connected() as connection:
        assert await operator_record(connection, 987_654) is None


async def test_reads_after_postgresql_ended_every_pooled_connection_answer_on_new_ones(
    services: Services, environment: Environment
) -> None:
    """As after a PostgreSQL restart: the pooled connections are gone, and the pool, which
    pings only a connection that rested a second, hands them out at once. Each read finds its
    connection lost, and answers on a new one."""
    operator = await make_operator(services)
    assert operator.id is not None
    own = build_services(environment.settings())
    try:

        async def backend() -> int:
            async with own.connected() as connection:
                pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                await asyncio.sleep(0.05)  # held, so that the others open connections of their own
                return int(pid)

        pids = set(await asyncio.gather(*(backend() for _ in range(6))))
        assert len(pids) == 6
        async with services.connected() as connection:
            await connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) AS pid"),
                {"pids": sorted(pids)},
            )

        async def read() -> OperatorRecord | None:
            async with own.connected() as connection:
                return await operator_record(connection, operator.id or 0)

        records = await asyncio.gather(*(read() for _ in range(6)))
        assert [record.user_id if record else None for record in records] == [operator.user_id] * 6
    finally:
        await own.close()


async def test_me_with_its_company_costs_one_statement(
    in_process: httpx.AsyncClient,  # noqa: F811 (the fixture)
    services: Services,
    sql_statements: StatementCounter,  # noqa: F811 (the fixture)
) -> None:
    """The session's check and `me` share one read, and the company comes in the same
    statement (a LEFT JOIN), not in a second one."""
    await register_all(services, T.EMPLOYEE)
    values: dict[str, Any] = OPERATORS[T.EMPLOYEE]
    login = await post_in_process(
        in_process,
        f'mutation {{ login(identification: "{values["identification"]}", '
        f'userId: "{values["user_id"]}", password: "Clave-Segura-2027") {{ token }} }}',
    )
    token = login["login"]["token"]
    sql_statements.statements.clear()
    data = await post_in_process(
        in_process, "{ me { userId company { ruc name legalRepresentativeName } } }", token
    )
    assert data["me"]["company"]["name"] == "Importadora Andina S.A."
    [statement] = sql_statements.statements
    assert "FROM operators LEFT OUTER JOIN companies" in statement


async def test_a_read_whose_server_ends_it_is_unavailable_and_a_bad_statement_stays_its_error(
    services: Services,
) -> None:
    """On the asyncpg connection, a server that ends the read (here the backend ending itself,
    on both attempts) is `DatabaseUnavailable`, as through SQLAlchemy; an error of the statement
    itself is not a dependency failure and stays what it is."""
    async with services.connected() as connection:
        with pytest.raises(DatabaseUnavailable):
            await fetch_row(connection, "SELECT pg_terminate_backend(pg_backend_pid())")
    async with services.connected() as connection:
        with pytest.raises(asyncpg.DivisionByZeroError):
            await fetch_row(connection, "SELECT 1 / $1::int", 0)
        assert await fetch_row(connection, "SELECT $1::int", 7) == (7,)
