"""`python -m api import-companies FILE`: the SRI's RUC registry into `companies`.

One transaction per batch of rows (`BATCH_SIZE`): a registry file of a large province has
hundreds of thousands of rows, and a batch that commits is never redone, while the whole file
in one transaction would hold its locks for minutes. Running the same file again writes
nothing: a row whose data is what is stored is not written (its `updated_at` stays), so an
interrupted import is simply run again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from api.domain.changes import Change
from api.domain.companies import CleanCompanyData, TaxpayerStatus
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.sri_registry import (
    delimiter_of,
    header_errors,
    is_main_establishment,
    normalize_column,
    read_registry_row,
)
from api.persistence.companies import CompanyRepository
from api.persistence.operators import SYSTEM
from api.persistence.tables import COMPANIES, CompanyRow
from api.services.companies import record_company_changes
from api.services.container import Services

BATCH_SIZE: Final = 1000
SOURCE: Final = "SRI_IMPORT"


@dataclass(frozen=True, slots=True)
class RefusedRow:
    line: int
    errors: tuple[FieldError, ...]


@dataclass(slots=True)
class ImportReport:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows of other establishments than the main one: the company is read from its main one.
    branches_skipped: int = 0
    refused: list[RefusedRow] = field(default_factory=list)
    # Operators of updated companies, each with an audit entry and an OPERATOR_UPDATED event.
    operators_notified: int = 0
    # Companies of the file (added, updated or unchanged) that the registry shows not active:
    # they cannot sign the agreement (api/domain/signing_rights.py), which whoever runs the
    # import should learn at once rather than from the operators' refusals.
    suspended: int = 0
    passive: int = 0


@dataclass(frozen=True, slots=True)
class _Read:
    line: int
    company: CleanCompanyData


def registry_rows(stream: IO[str]) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(line number, row by normalised column name) for each record; raises DomainError when
    the header lacks a needed column. Line numbers count from the header's line 1, so a refusal
    points at the line a text editor shows (a quoted field may span lines: its first line)."""
    header_line = stream.readline()
    delimiter = delimiter_of(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    missing = header_errors(header)
    if missing:
        raise DomainError(missing)
    columns = [normalize_column(column) for column in header]
    reader = csv.reader(stream, delimiter=delimiter)
    line = 2
    for record in reader:
        if any(cell.strip() for cell in record):
            if len(record) != len(columns):
                yield line, {"": f"{len(record)}/{len(columns)}"}
            else:
                yield line, dict(zip(columns, record, strict=True))
        line = reader.line_num + 2


def _batches(
    rows: Iterable[tuple[int, dict[str, str | None]]], report: ImportReport
) -> Iterator[list[_Read]]:
    # Each RUC of the file, with the line it first appeared on.
    first_lines: dict[str, int] = {}
    batch: list[_Read] = []
    for line, row in rows:
        report.rows += 1
        if "" in row:
            report.refused.append(
                RefusedRow(
                    line,
                    (
                        FieldError(
                            None,
                            ErrorCode.INVALID_FORMAT,
                            {
                                "expected": f"tantos campos como la cabecera ({row['']})",
                                "expected_en": f"as many fields as the header ({row['']})",
                            },
                        ),
                    ),
                )
            )
            continue
        if not is_main_establishment(row):
            report.branches_skipped += 1
            continue
        try:
            company = read_registry_row(row)
        except DomainError as refusal:
            report.refused.append(RefusedRow(line, refusal.errors))
            continue
        if company.ruc in first_lines:
            duplicate = FieldError(
                "NUMERO_RUC", ErrorCode.DUPLICATE, {"first_line": first_lines[company.ruc]}
            )
            report.refused.append(RefusedRow(line, (duplicate,)))
            continue
        first_lines[company.ruc] = line
        if company.taxpayer_status is TaxpayerStatus.SUSPENDED:
            report.suspended += 1
        elif company.taxpayer_status is TaxpayerStatus.PASSIVE:
            report.passive += 1
        batch.append(_Read(line, company))
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _changes(stored: CompanyRow, company: CleanCompanyData) -> list[Change]:
    """What an import changes of a stored company (a missing legal representative or taxpayer
    state is kept)."""
    pairs = (
        ("companyName", stored.name, company.name),
        (
            "taxpayerStatus",
            stored.taxpayer_status,
            company.taxpayer_status.value if company.taxpayer_status else None,
        ),
        (
            "legalRepresentativeName",
            stored.legal_representative_name,
            company.legal_representative_name,
        ),
        (
            "legalRepresentativeIdentification",
            stored.legal_representative_identification,
            company.legal_representative_identification,
        ),
    )
    return [Change(name, old, new) for name, old, new in pairs if new is not None and old != new]


async def _write_batch(services: Services, batch: list[_Read], report: ImportReport) -> None:
    now = services.clock.now()
    async with services.transaction() as session:
        stored = await CompanyRepository(session).by_rucs(read.company.ruc for read in batch)
        values: list[Mapping[str, object]] = []
        changes_by_ruc: dict[str, list[Change]] = {}
        for read in batch:
            existing = stored.get(read.company.ruc)
            if existing is not None and not _changes(existing, read.company):
                report.unchanged += 1
                continue
            if existing is None:
                report.inserted += 1
            else:
                report.updated += 1
                changes_by_ruc[read.company.ruc] = _changes(existing, read.company)
            values.append(
                {
                    "ruc": read.company.ruc,
                    "name": read.company.name,
                    "legal_representative_name": read.company.legal_representative_name,
                    "legal_representative_identification": (
                        read.company.legal_representative_identification
                    ),
                    "taxpayer_status": (
                        read.company.taxpayer_status.value if read.company.taxpayer_status else None
                    ),
                    "source": SOURCE,
                    "updated_at": now,
                }
            )
        if not values:
            return
        # In RUC order, so that imports running at once lock the rows they share in one order.
        values.sort(key=lambda value: str(value["ruc"]))
        dialect = session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(CompanyRow)
        table = COMPANIES.c
        # A row without the legal representative keeps the stored one (the open data has none);
        # likewise the taxpayer state, which a two-column file does not carry.
        upsert = statement.on_conflict_do_update(
            index_elements=["ruc"],
            set_={
                "name": statement.excluded.name,
                "legal_representative_name": sa.func.coalesce(
                    statement.excluded.legal_representative_name, table.legal_representative_name
                ),
                "legal_representative_identification": sa.func.coalesce(
                    statement.excluded.legal_representative_identification,
                    table.legal_representative_identification,
                ),
                "taxpayer_status": sa.func.coalesce(
                    statement.excluded.taxpayer_status, table.taxpayer_status
                ),
                "source": statement.excluded.source,
                "updated_at": statement.excluded.updated_at,
            },
        )
        await session.exec(upsert, params=values)
        report.operators_notified += await record_company_changes(
            session, changes_by_ruc=changes_by_ruc, actor=SYSTEM, at=now
        )


async def import_companies(services: Services, stream: IO[str]) -> ImportReport:
    """Read the whole file, writing batch after batch; DomainError when its header is wrong."""
    report = ImportReport()
    for batch in _batches(registry_rows(stream), report):
        await _write_batch(services, batch, report)
    return report
