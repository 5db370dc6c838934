"""The company migrations on a PostgreSQL database that already holds operators.

Migration 0009 moved the razón social operators carried (`operators.company_name`, beside
`company_ruc`) into `companies`, one row per RUC. These tests build a database at 0008, fill it
with operators of every registration type as the code before 0009 could write them (a company
RUC with or without a name, a name without a RUC, blanks), migrate it to head and check where
every value went; then down to 0008 and up again. Each test has a database of its own, created
and dropped here: the suite's database stays at head.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from alembic import command

from api.persistence.migrate import alembic_config
from tests.api.conftest import ADMIN_DSN, _admin

CREATED = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Scratch:
    """A database of one test's own: its SQLAlchemy URL (Alembic) and asyncpg DSN."""

    url: str
    dsn: str

    async def migrate(self, revision: str) -> None:
        # Alembic's env runs its own event loop: off this one, in a thread.
        await asyncio.to_thread(command.upgrade, alembic_config(self.url), revision)

    async def downgrade(self, revision: str) -> None:
        await asyncio.to_thread(command.downgrade, alembic_config(self.url), revision)

    async def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        connection = await asyncpg.connect(self.dsn)
        try:
            return [tuple(record) for record in await connection.fetch(sql, *args)]
        finally:
            await connection.close()

    async def execute(self, sql: str, *args: Any) -> None:
        connection = await asyncpg.connect(self.dsn)
        try:
            await connection.execute(sql, *args)
        finally:
            await connection.close()


@pytest.fixture
async def scratch() -> AsyncIterator[Scratch]:
    name = f"ecuapass_migration_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    credentials, _, location = ADMIN_DSN.split("//", 1)[1].partition("@")
    host = location.rsplit("/", 1)[0]
    try:
        yield Scratch(
            url=f"postgresql+asyncpg://{credentials}@{host}/{name}",
            dsn=f"postgresql://{credentials}@{host}/{name}",
        )
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Before:
    """An operator as the schema of 0008 kept it."""

    user_id: str
    registration_type: str
    identification_type: str
    identification: str
    company_ruc: str | None
    company_name: str | None


# In registration order: the employee registered before its company's representative, and wrote
# the razón social its own way.
OPERATORS_AT_0008 = (
    Before("EMPLEADO01", "EMPLOYEE", "CEDULA", "1704567898", "1790123456001", "IMPORTADORA ANDINA"),
    Before(
        "IMPORTANDINA",
        "FOREIGN_TRADE_REPRESENTATIVE",
        "RUC",
        "1790123456001",
        "1790123456001",
        "Importadora Andina S.A.",
    ),
    Before("USUARIO01", "GENERAL_USER", "RUC", "0912345675001", None, None),
    # Registered with its entity's RUC, which it did not repeat as company_ruc.
    Before(
        "ENTIDAD01",
        "PUBLIC_ENTITY_REPRESENTATIVE",
        "RUC",
        "1760001200001",
        None,
        "Empresa Pública de Comercio del Ecuador",
    ),
    Before(
        "FUNCIONARIO01", "PUBLIC_ENTITY_OFFICIAL", "CEDULA", "0109876540", "1760001200001", None
    ),
    # An organisation named without its RUC: the form showed the name alone.
    Before(
        "ORGINTER01",
        "INTERNATIONAL_ORGANIZATION",
        "PASSPORT",
        "X4821937",
        None,
        "Programa Mundial de Alimentos",
    ),
    Before("DISCAPACIDAD01", "PERSON_WITH_DISABILITY", "CEDULA", "1305554444", None, None),
    # A representative registered with nothing but its RUC.
    Before("REPRE02", "FOREIGN_TRADE_REPRESENTATIVE", "RUC", "0990017514001", None, None),
    # The code before 0009 kept a blank --company-ruc / name as an empty string.
    Before("EMPLEADO02", "EMPLOYEE", "CEDULA", "1718463027", "", ""),
)


async def _insert_at_0008(scratch: Scratch) -> None:
    for number, operator in enumerate(OPERATORS_AT_0008, start=1):
        at = CREATED + timedelta(days=number)
        await scratch.execute(
            """INSERT INTO operators (id, user_id, identification_type, identification_number,
                   registration_type, role, name, country_code, province_code, city_code,
                   address, phone1, mobile_carrier, mobile_number, email, company_ruc,
                   company_name, password_hash, status, version, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, 'USER', $6, 'EC', '17', '1701', 'Av. Amazonas N24-03',
                   '022345678', 'CLARO', '0991234567', $7, $8, $9, 'argon2-hash', 'ACTIVE', 1,
                   $10, $10)""",
            number,
            operator.user_id,
            operator.identification_type,
            operator.identification,
            operator.registration_type,
            f"Operador {operator.user_id.title()}",
            f"{operator.user_id.lower()}@correo.example",
            operator.company_ruc,
            operator.company_name,
            at,
        )


async def _companies(scratch: Scratch) -> list[tuple[Any, ...]]:
    return await scratch.rows(
        """SELECT ruc, name, legal_representative_name, legal_representative_identification,
                  taxpayer_status, source, updated_at FROM companies ORDER BY ruc"""
    )


async def _links(scratch: Scratch) -> dict[str, str | None]:
    return dict(await scratch.rows("SELECT user_id, company_ruc FROM operators ORDER BY id"))


async def _company_history(scratch: Scratch) -> list[tuple[Any, ...]]:
    return await scratch.rows(
        """SELECT o.user_id, a.operation, a.actor_kind, a.changes::text
             FROM audit_entries AS a JOIN operators AS o ON o.id = a.operator_id
            ORDER BY o.id, a.id"""
    )


EXPECTED_COMPANIES = [
    # The representative is the company itself: its razón social is kept.
    ("0990017514001", None, None, None, None, "REGISTRATION", CREATED + timedelta(days=8)),
    (
        "1760001200001",
        "Empresa Pública de Comercio del Ecuador",
        None,
        None,
        None,
        "REGISTRATION",
        CREATED + timedelta(days=4),
    ),
    (
        "1790123456001",
        "Importadora Andina S.A.",
        None,
        None,
        None,
        "REGISTRATION",
        CREATED + timedelta(days=1),
    ),
]
EXPECTED_LINKS = {
    "EMPLEADO01": "1790123456001",
    "IMPORTANDINA": "1790123456001",
    "USUARIO01": None,
    "ENTIDAD01": "1760001200001",
    "FUNCIONARIO01": "1760001200001",
    "ORGINTER01": None,
    "DISCAPACIDAD01": None,
    "REPRE02": "0990017514001",
    "EMPLEADO02": None,
}
# What an operator's form showed and no longer does is in its history, not silently gone.
EXPECTED_HISTORY = [
    (
        "EMPLEADO01",
        "COMPANY_UPDATED",
        "SYSTEM",
        '[{"new": "Importadora Andina S.A.", "old": "IMPORTADORA ANDINA", "field": "companyName"}]',
    ),
    (
        "ORGINTER01",
        "COMPANY_UPDATED",
        "SYSTEM",
        '[{"new": null, "old": "Programa Mundial de Alimentos", "field": "companyName"}]',
    ),
]


async def test_migration_0009_moves_every_operators_company_into_companies(
    scratch: Scratch,
) -> None:
    await scratch.migrate("0008")
    await _insert_at_0008(scratch)
    await scratch.migrate("head")

    assert await _companies(scratch) == EXPECTED_COMPANIES
    assert await _links(scratch) == EXPECTED_LINKS
    assert await _company_history(scratch) == EXPECTED_HISTORY
    # Every operator keeps its own registration: nothing else of the rows moved.
    assert await scratch.rows(
        "SELECT user_id, name, registered_name FROM operators ORDER BY id"
    ) == [
        (o.user_id, f"Operador {o.user_id.title()}", f"Operador {o.user_id.title()}")
        for o in OPERATORS_AT_0008
    ]


async def test_migration_0009_down_to_0008_and_up_again_gives_the_same_companies(
    scratch: Scratch,
) -> None:
    await scratch.migrate("0008")
    await _insert_at_0008(scratch)
    await scratch.migrate("head")
    await scratch.downgrade("0008")

    # Down, each operator of a company carries its razón social again, the one kept.
    assert await scratch.rows(
        "SELECT user_id, company_ruc, company_name FROM operators ORDER BY id"
    ) == [
        ("EMPLEADO01", "1790123456001", "Importadora Andina S.A."),
        ("IMPORTANDINA", "1790123456001", "Importadora Andina S.A."),
        ("USUARIO01", None, None),
        ("ENTIDAD01", "1760001200001", "Empresa Pública de Comercio del Ecuador"),
        ("FUNCIONARIO01", "1760001200001", "Empresa Pública de Comercio del Ecuador"),
        ("ORGINTER01", None, None),
        ("DISCAPACIDAD01", None, None),
        ("REPRE02", "0990017514001", None),
        ("EMPLEADO02", None, None),
    ]
    assert await scratch.rows(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'companies'"
    ) == [(0,)]

    await scratch.migrate("head")
    assert await _companies(scratch) == EXPECTED_COMPANIES
    assert await _links(scratch) == EXPECTED_LINKS
    assert await _company_history(scratch) == EXPECTED_HISTORY, "nothing was lost the second time"


async def test_a_representative_left_without_its_company_by_0009_is_linked_to_its_own_ruc(
    scratch: Scratch,
) -> None:
    """A database that ran 0009 before it linked representatives to their own RUC: the next
    migration links them, with a company row where none existed."""
    await scratch.migrate("0012")
    await scratch.execute(
        """INSERT INTO companies (ruc, name, source, updated_at)
           VALUES ('1790123456001', 'IMPORTADORA ANDINA S.A.', 'SRI_IMPORT', $1)""",
        CREATED,
    )
    for number, (user_id, registration_type, ruc) in enumerate(
        [
            ("IMPORTANDINA", "FOREIGN_TRADE_REPRESENTATIVE", "1790123456001"),
            ("ENTIDAD01", "PUBLIC_ENTITY_REPRESENTATIVE", "1760001200001"),
            ("USUARIO01", "GENERAL_USER", "0912345675001"),
        ],
        start=1,
    ):
        await scratch.execute(
            """INSERT INTO operators (id, user_id, identification_type, identification_number,
                   registration_type, role, name, registered_name, email, password_hash, status,
                   version, created_at, updated_at)
               VALUES ($1, $2, 'RUC', $3, $4, 'USER', 'Operador', 'Operador', $5, 'hash',
                   'ACTIVE', 1, $6, $6)""",
            number,
            user_id,
            ruc,
            registration_type,
            f"{user_id.lower()}@correo.example",
            CREATED + timedelta(days=number),
        )
    await scratch.migrate("head")

    assert await _links(scratch) == {
        "IMPORTANDINA": "1790123456001",
        "ENTIDAD01": "1760001200001",
        "USUARIO01": None,
    }
    assert [(ruc, name, source) for ruc, name, *_, source, _ in await _companies(scratch)] == [
        ("1760001200001", None, "REGISTRATION"),
        ("1790123456001", "IMPORTADORA ANDINA S.A.", "SRI_IMPORT"),
    ]
