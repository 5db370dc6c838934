"""The reads every request makes (the session's operator, `me`) go through one statement built
with SQLAlchemy Core instead of the ORM (api/persistence/operator_records.py), run on asyncpg's
own pool when PostgreSQL is reached directly (api/persistence/driver_reads.py): they must answer
exactly what the ORM's row answers, for every registration type, in one statement, on either
path, survive the loss of the pooled connections, and keep the process within
DATABASE_POOL_SIZE connections."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text

from api.domain.vocabulary import RegistrationTypeCode as T
from api.persistence.db import DatabaseUnavailable
from api.persistence.driver_reads import (
    SMALLEST_SHARED_POOL,
    DriverReads,
    driver_reads_for,
    pool_shares,
    reads_on_driver,
)
from api.persistence.operator_records import (
    OperatorRecord,
    operator_record,
    operator_record_through_driver,
)
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
    record = await services.operator_record(row.id or 0)
    assert isinstance(record, OperatorRecord)
    for name in OperatorRecord._fields:
        assert getattr(record, name) == getattr(row, name), name
    assert not hasattr(record, "password_hash")
    assert not hasattr(record, "totp_secret")


@pytest.mark.parametrize("registration_type", list(OPERATORS))
async def test_the_read_on_asyncpgs_own_pool_answers_what_the_core_statement_answers(
    services: Services, registration_type: T
) -> None:
    operator_id = (await registered_row(services, registration_type)).id or 0
    assert services.driver_reads is not None
    direct = await operator_record_through_driver(services.driver_reads, operator_id)
    async with services.connected() as connection:
        core = await operator_record(connection, operator_id)
    assert direct is not None
    assert direct == core


async def test_an_unknown_operator_has_no_record(services: Services) -> None:
    assert await services.operator_record(987_654) is None
    async with services.connected() as connection:
        assert await operator_record(connection, 987_654) is None


async def test_reads_after_postgresql_ended_every_pooled_connection_answer_on_new_ones(
    services: Services, environment: Environment
) -> None:
    """As after a PostgreSQL restart: the pooled connections are gone, and asyncpg's pool hands
    them out as they are. The first read that finds its connection lost has the pool replace
    them all, and every read answers, on new connections."""
    operator = await make_operator(services)
    assert operator.id is not None
    own = build_services(environment.settings())
    try:
        reads = own.driver_reads
        assert reads is not None
        size = pool_shares(environment.settings().database_pool_size, reads_on_driver=True)[1]

        async def backend() -> int:
            # Held a moment, so that the others open connections of their own.
            row = await reads.fetch_row("SELECT pg_backend_pid(), pg_sleep(0.05)")
            assert row is not None
            return int(row[0])

        pids = set(await asyncio.gather(*(backend() for _ in range(size))))
        assert len(pids) == size
        async with services.connected() as connection:
            await connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) AS pid"),
                {"pids": sorted(pids)},
            )

        records = await asyncio.gather(
            *(operator_record_through_driver(reads, operator.id) for _ in range(size * 2))
        )
        assert [record.user_id if record else None for record in records] == [operator.user_id] * (
            size * 2
        )
        assert not pids & set(await asyncio.gather(*(backend() for _ in range(size))))
    finally:
        await own.close()


@pytest.mark.parametrize("pool_size", [1, 2, 3, 4, 5, 10, 20, 200])
def test_the_two_pools_of_a_process_never_hold_more_than_database_pool_size(
    pool_size: int,
) -> None:
    engine_share, reads_share = pool_shares(pool_size, reads_on_driver=True)
    assert engine_share + reads_share == pool_size
    assert engine_share >= 1
    assert reads_share == (0 if pool_size < SMALLEST_SHARED_POOL else pool_size // 2)
    assert pool_shares(pool_size, reads_on_driver=False) == (pool_size, 0)


def test_only_postgresql_reached_directly_reads_on_asyncpgs_own_pool() -> None:
    direct = "postgresql+asyncpg://ecuapass@db:5432/ecuapass"
    assert reads_on_driver(direct, behind_pgbouncer=False)
    assert not reads_on_driver(direct, behind_pgbouncer=True)
    assert not reads_on_driver("sqlite+aiosqlite:///./ecuapass.db", behind_pgbouncer=False)


async def test_a_process_reads_on_one_pool_or_two_as_its_database_and_size_allow(
    environment: Environment,
) -> None:
    """Behind PgBouncer's transaction pooling, on SQLite and in a process too small to share
    (the relay, a CronJob) every read stays on SQLAlchemy's pool, which then has all the
    connections; elsewhere half of them are asyncpg's own."""
    direct = build_services(environment.settings(database_pool_size=12))
    small = build_services(environment.settings(database_pool_size=2))
    bounced = build_services(
        environment.settings(database_pool_size=12, database_behind_pgbouncer=True)
    )
    try:
        assert direct.engine.pool.size() == 6  # type: ignore[attr-defined]
        assert isinstance(direct.driver_reads, DriverReads)
        assert small.driver_reads is None
        assert small.engine.pool.size() == 2  # type: ignore[attr-defined]
        assert bounced.driver_reads is None
        assert bounced.engine.pool.size() == 12  # type: ignore[attr-defined]
        assert driver_reads_for(direct.engine, size=0) is None
        for built in (direct, small):
            assert await built.operator_record(987_654) is None
    finally:
        for built in (direct, small, bounced):
            await built.close()


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
    """On asyncpg's own pool, a server that ends the read (here the backend ending itself, on
    both attempts) is `DatabaseUnavailable`, as through SQLAlchemy; an error of the statement
    itself is not a dependency failure and stays what it is, and the connection serves on."""
    reads = services.driver_reads
    assert reads is not None
    with pytest.raises(DatabaseUnavailable):
        await reads.fetch_row("SELECT pg_terminate_backend(pg_backend_pid())")
    with pytest.raises(asyncpg.DivisionByZeroError):
        await reads.fetch_row("SELECT 1 / $1::int", 0)
    assert await reads.fetch_row("SELECT $1::int", 7) == (7,)
