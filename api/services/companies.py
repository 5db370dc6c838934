"""Customs staff set an operator's company as the SRI registers it (`setOperatorCompany`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.changes import Change, EventType
from api.domain.companies import Company, CompanyData, company_errors, validate_company_data
from api.domain.errors import DomainError, ErrorCode
from api.domain.messages import Detail
from api.domain.vocabulary import RegistrationTypeCode
from api.persistence.companies import CompanyRepository
from api.persistence.operators import Actor, OperatorRepository, record_change
from api.persistence.tables import CompanyRow, OperatorRow
from api.services.container import Services

STAFF_SOURCE = "STAFF"
COMPANY_UPDATED = "COMPANY_UPDATED"


def company_data_changes(*, before: CompanyRow, after: CompanyRow) -> list[Change]:
    """What changed in a company's own data (not which company an operator has)."""
    pairs = (
        ("companyName", before.name, after.name),
        (
            "legalRepresentativeName",
            before.legal_representative_name,
            after.legal_representative_name,
        ),
        (
            "legalRepresentativeIdentification",
            before.legal_representative_identification,
            after.legal_representative_identification,
        ),
    )
    return [Change(name, old, new) for name, old, new in pairs if old != new]


async def record_company_changes(
    session: AsyncSession,
    *,
    changes_by_ruc: Mapping[str, Sequence[Change]],
    actor: Actor,
    at: datetime,
    except_operator_id: int | None = None,
) -> int:
    """An audit entry and an OPERATOR_UPDATED event for every operator of each changed company,
    in the caller's transaction: what their forms show changed, and partners must hear of it.
    Their `version` stays: an edit of their own registration is not made stale by it."""
    changed = {ruc: list(changes) for ruc, changes in changes_by_ruc.items() if changes}
    if not changed:
        return 0
    statement = (
        select(OperatorRow)
        .where(col(OperatorRow.company_ruc).in_(list(changed)))
        .order_by(col(OperatorRow.id))
    )
    operators = [
        row for row in (await session.exec(statement)).all() if row.id != except_operator_id
    ]
    for operator in operators:
        assert operator.company_ruc is not None
        await record_change(
            session,
            operator=operator,
            actor=actor,
            operation=COMPANY_UPDATED,
            event_type=EventType.OPERATOR_UPDATED,
            changes=changed[operator.company_ruc],
            at=at,
        )
    return len(operators)


def _company_changes(*, previous: Company | None, after: CompanyRow) -> list[Change]:
    """What the operator's form shows differently: each company field, old and new."""
    pairs = (
        ("companyRuc", previous.ruc if previous else None, after.ruc),
        ("companyName", previous.name if previous else None, after.name),
        (
            "legalRepresentativeName",
            previous.legal_representative_name if previous else None,
            after.legal_representative_name,
        ),
        (
            "legalRepresentativeIdentification",
            previous.legal_representative_identification if previous else None,
            after.legal_representative_identification,
        ),
    )
    return [Change(name, old, new) for name, old, new in pairs if old != new]


async def set_operator_company(
    services: Services, *, user_id: str, data: CompanyData, staff_user_id: str
) -> OperatorRow:
    """Write the company's SRI data and make it the operator's, in one transaction: the
    company row, the operator's reference, its audit entry and its event commit together. The
    whole company is given (a blank legal representative clears it)."""
    clean = validate_company_data(data, require_name=True)
    now = services.clock.now()
    async with services.transaction() as session:
        operators = OperatorRepository(session)
        found = await operators.by_user_id(user_id)
        if found is None:
            raise DomainError.single("userId", ErrorCode.NOT_FOUND, what=Detail.USER)
        # Locked, so that parallel changes of one operator's company are recorded one after the
        # other, each against the company the previous one left.
        operator = await session.get(
            OperatorRow, found.id, with_for_update=True, populate_existing=True
        )
        assert operator is not None
        refusals = company_errors(
            registration_type=RegistrationTypeCode(operator.registration_type),
            identification=operator.identification_number,
            company_ruc=clean.ruc,
        )
        if refusals:
            raise DomainError(refusals)
        previous = operator.company
        before, after = await CompanyRepository(session).write(
            clean, at=now, source=STAFF_SOURCE, fill_only=False
        )
        changes = _company_changes(previous=previous, after=after)
        staff = Actor(kind="STAFF", user_id=staff_user_id)
        if before is not None:
            await record_company_changes(
                session,
                changes_by_ruc={after.ruc: company_data_changes(before=before, after=after)},
                actor=staff,
                at=now,
                except_operator_id=operator.id,
            )
        if changes:
            await session.exec(
                update(OperatorRow)
                .where(col(OperatorRow.id) == operator.id)
                .values(company_ruc=clean.ruc, version=OperatorRow.version + 1, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            await record_change(
                session,
                operator=operator,
                actor=staff,
                operation="SET_COMPANY",
                event_type=EventType.OPERATOR_UPDATED,
                changes=changes,
                at=now,
            )
        assert operator.id is not None
        fresh = await operators.by_id_fresh(operator.id)
    assert fresh is not None
    return fresh
