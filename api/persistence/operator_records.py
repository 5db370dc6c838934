"""The operator's row read with one statement, for what every request reads: the session's check
and `me`.

Through the ORM (`session.get`) the same row costs three times as much CPU as through Core: a
session, its identity map, the instance's instrumentation and the company's second statement,
none of which a read that ends with the request needs. The statement is built once with
SQLAlchemy Core; on PostgreSQL reached directly it runs on asyncpg's own pool
(api/persistence/driver_reads.py), elsewhere through Core.
Writes keep the ORM (`OperatorRow`, api/persistence/operators.py): they need its unit of work
and its row locks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final, NamedTuple, TypeAlias

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import asyncpg as postgresql_asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection

from api.domain.companies import Company
from api.persistence.driver_reads import DriverReads
from api.persistence.tables import COMPANIES, OPERATORS, OperatorRow, stored_company


class OperatorRecord(NamedTuple):
    """An operator's registration as read for one request. The password hash and the second
    factor's secret are left in the database: what serves a request never carries them.

    A named tuple, immutable as a frozen dataclass is, and built from the row's values in one
    step: a frozen dataclass of these 32 fields, built by keyword, took 6 µs of every request
    that reads its caller, the tuple a few hundred nanoseconds."""

    id: int
    user_id: str
    identification_type: str
    identification_number: str
    registration_type: str
    role: str
    name: str
    country_code: str | None
    province_code: str | None
    city_code: str | None
    address: str | None
    phone1: str | None
    phone2: str | None
    mobile_carrier: str | None
    mobile_number: str | None
    fax: str | None
    email: str
    company_ruc: str | None
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    last_update_at: datetime | None
    agreement_version: str | None
    agreement_signed_at: datetime | None
    employee_permission: bool
    status_reason: str | None
    annual_update_year: int | None
    session_epoch: int
    deregistered_at: datetime | None
    registered_name: str
    company: Company | None


OperatorState: TypeAlias = OperatorRow | OperatorRecord
"""An operator as read: the ORM row of a write, or the record of a request's read. What only
reads an operator (the GraphQL shape, the yearly update's state) takes either."""

# Every field but the company, which the row's joined columns make.
_RECORD_COLUMNS: Final = OperatorRecord._fields[:-1]
_RUC: Final = _RECORD_COLUMNS.index("company_ruc")
_REGISTRATION_TYPE: Final = _RECORD_COLUMNS.index("registration_type")
_COMPANY_COLUMNS: Final = (
    COMPANIES.c.name,
    COMPANIES.c.legal_representative_name,
    COMPANIES.c.legal_representative_identification,
    COMPANIES.c.taxpayer_status,
)
# A LEFT JOIN rather than a second statement: operators without a company pay nothing for it.
_BY_ID: Final = (
    sa.select(*(OPERATORS.c[name] for name in _RECORD_COLUMNS), *_COMPANY_COLUMNS)
    .select_from(OPERATORS.outerjoin(COMPANIES, OPERATORS.c.company_ruc == COMPANIES.c.ruc))
    .where(OPERATORS.c.id == sa.bindparam("operator_id"))
)
# The same statement as asyncpg takes it (`$1` for the id).
_BY_ID_FOR_DRIVER: Final = str(
    _BY_ID.compile(dialect=postgresql_asyncpg.dialect())  # type: ignore[no-untyped-call]
)


async def operator_record(connection: AsyncConnection, operator_id: int) -> OperatorRecord | None:
    """Through SQLAlchemy Core: on SQLite, behind PgBouncer, and in a process too small to share
    its pool (api/persistence/driver_reads.py)."""
    return record_of((await connection.execute(_BY_ID, {"operator_id": operator_id})).first())


async def operator_record_through_driver(
    reads: DriverReads, operator_id: int
) -> OperatorRecord | None:
    return record_of(await reads.fetch_row(_BY_ID_FOR_DRIVER, operator_id))


def record_of(found: Sequence[Any] | None) -> OperatorRecord | None:
    """The record of the row `_BY_ID` selects, either way it was read."""
    if found is None:
        return None
    columns = len(_RECORD_COLUMNS)
    ruc = found[_RUC]
    company = None
    if ruc is not None:
        name, representative_name, representative_identification, taxpayer_status = found[columns:]
        company = stored_company(
            registration_type=found[_REGISTRATION_TYPE],
            ruc=ruc,
            name=name,
            legal_representative_name=representative_name,
            legal_representative_identification=representative_identification,
            taxpayer_status=taxpayer_status,
        )
    return OperatorRecord._make((*found[:columns], company))
