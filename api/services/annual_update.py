"""The yearly update of resolution SENAE-DGN-2016-0364-RE: where each operator stands, the
reminders in January, and disabling whoever did not update once January is over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Final

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    bindparam,
    exists,
    func,
    literal,
    literal_column,
    or_,
    update,
)
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.domain.changes import Change, EventType
from api.domain.cursors import IdRange, encode_cursor, page_request
from api.domain.errors import DomainError, ErrorCode
from api.domain.forms import REGISTRATION_TYPES
from api.domain.lifecycle import (
    ECUADOR_TZ,
    AnnualUpdateState,
    AnnualUpdateStatus,
    annual_update_state,
    clean_reason,
    duty_is_over,
    end_of_duty_month,
    in_reactivation_grace,
    local,
    must_be_disabled,
    owes_annual_update,
    reactivation_grace_ends,
    reminder_due,
)
from api.domain.messages import Detail
from api.domain.vocabulary import OperatorStatus, RegistrationTypeCode, Role
from api.mail.templates import annual_update_disabled_mail, annual_update_reminder_mail
from api.persistence.audit import latest_of_operation
from api.persistence.lifecycle import AnnualUpdateRepository
from api.persistence.operator_records import OperatorState
from api.persistence.operators import Actor, OperatorRepository, record_change
from api.persistence.tables import AnnualUpdateRow, OperatorRow
from api.services.auth import revoke_other_sessions
from api.services.container import Services
from api.services.employees import EMPLOYEE_PERMISSION_OPERATION
from api.services.notify import deliver_pending, queue_notice
from api.services.paging import Page, read_page

SYSTEM_ACTOR = Actor(kind="SYSTEM", user_id=None)
# The audit trail's name for staff's reactivation.
REACTIVATE_OPERATION: Final = "REACTIVATE"
# What lets an operator held to the update do it again, whose latest entry starts the grace:
# staff's reactivation, or its company's grant of the permission to an employee (held to the
# update only once granted, it could not update in January if granted after it; the latest
# entry of a covered employee is a grant, a withdrawal uncovering it).
GRACE_OPERATIONS: Final = (REACTIVATE_OPERATION, EMPLOYEE_PERMISSION_OPERATION)


# The registration types that may use "Modificar" only with their company's permission.
_PERMISSION_TYPES: Final = tuple(
    spec.code.value for spec in REGISTRATION_TYPES if spec.requires_company_permission
)


def is_covered(services: Services, operator: OperatorState) -> bool:
    """Staff are not operators; the duty covers the registration types of the setting, except an
    employee its company has not let use "Modificar"."""
    return owes_annual_update(
        is_user=operator.role == Role.USER.value,
        covered_type=RegistrationTypeCode(operator.registration_type)
        in services.settings.annual_update_types,
        needs_permission=operator.registration_type in _PERMISSION_TYPES,
        permission_granted=operator.employee_permission,
    )


def _held_to_it() -> ColumnElement[bool]:
    """`owes_annual_update` as SQL, but for the covered types (bound by the caller)."""
    return (col(OperatorRow.role) == Role.USER.value) & or_(
        col(OperatorRow.registration_type).not_in(_PERMISSION_TYPES),
        col(OperatorRow.employee_permission),
    )


def state_of(
    services: Services,
    operator: OperatorState,
    completions: dict[int, datetime],
    grace_start: datetime | None = None,
) -> AnnualUpdateState:
    now = services.clock.now()
    return annual_update_state(
        now=now,
        registered_at=operator.created_at,
        completions=completions,
        disabled=operator.status == OperatorStatus.DISABLED.value,
        covered=is_covered(services, operator),
        last_update_at=operator.last_update_at,
        grace_ends_at=grace_ends(services, year=local(now).year, grace_start=grace_start),
    )


def grace_ends(services: Services, *, year: int, grace_start: datetime | None) -> datetime | None:
    grace = timedelta(days=services.settings.annual_update_reactivation_grace_days)
    return reactivation_grace_ends(year=year, reactivated_at=grace_start, grace=grace)


async def grace_starts_of(services: Services, operator_ids: list[int]) -> dict[int, datetime]:
    """When each operator was last let do the update (`GRACE_OPERATIONS`; only those ever were),
    by the audit trail: the record the reactivation or grant itself wrote, in its transaction."""
    async with services.reading() as session:
        return await latest_of_operation(
            session, operator_ids=operator_ids, operations=GRACE_OPERATIONS
        )


async def completions_of(
    services: Services, operator_ids: list[int]
) -> dict[int, dict[int, datetime]]:
    async with services.reading() as session:
        return await AnnualUpdateRepository(session).completions(operator_ids)


OPERATOR_CURSOR = "operator"


def operator_cursor(operator_id: int) -> str:
    return encode_cursor(OPERATOR_CURSOR, operator_id)


def _start_of_year(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=ECUADOR_TZ)


@cache
def _page_of(
    status: AnnualUpdateStatus | None,
    covered_types: tuple[str, ...],
    year: int,
    *,
    above: bool,
    below: bool,
    descending: bool,
) -> SelectOfScalar[OperatorRow]:
    """The statement of a page of staff's list, built once per kind of page (status, which
    bounds, which direction) and year: building it costs more than running it (a fifth of a DUE
    page's CPU). The year is written into it, so that PostgreSQL plans each statement knowing
    how many operators are left to update (a range of the index when few are, the primary key in
    order when many); the year's first instant, the bounds and the page size are bound per
    request."""
    # The expression of the index ix_operators_annual_update_year, its 0 written out (a bound
    # parameter would not match it): the operators left to do it are a range of that index.
    latest = func.coalesce(col(OperatorRow.annual_update_year), literal_column("0"))
    this_year = literal_column(str(int(year)), type_=Integer)
    owes = (
        _held_to_it()
        & col(OperatorRow.registration_type).in_(covered_types)
        & (col(OperatorRow.created_at) < bindparam("start_of_year", type_=DateTime(timezone=True)))
    )
    # This year's completion came after its January (few rows: one per operator and year).
    late = exists().where(
        col(AnnualUpdateRow.operator_id) == col(OperatorRow.id),
        col(AnnualUpdateRow.year) == this_year,
        col(AnnualUpdateRow.completed_at) > literal(end_of_duty_month(year)),
    )
    active = col(OperatorRow.status) == OperatorStatus.ACTIVE.value
    statement = select(OperatorRow)
    if status is AnnualUpdateStatus.DISABLED:
        statement = statement.where(~active)
    elif status is AnnualUpdateStatus.UP_TO_DATE:
        statement = statement.where(active, or_(~owes, (latest >= this_year) & ~late))
    elif status is AnnualUpdateStatus.COMPLETED_LATE:
        statement = statement.where(active, owes, latest >= this_year, late)
    elif status in (AnnualUpdateStatus.DUE, AnnualUpdateStatus.OVERDUE):
        statement = statement.where(active, owes, latest < this_year)
    if above:
        statement = statement.where(col(OperatorRow.id) > bindparam("above", type_=Integer))
    if below:
        statement = statement.where(col(OperatorRow.id) < bindparam("below", type_=Integer))
    number = col(OperatorRow.id)
    statement = statement.order_by(number.desc() if descending else number)
    return statement.limit(bindparam("rows", type_=Integer))


async def list_operators(
    services: Services,
    *,
    status: AnnualUpdateStatus | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[OperatorRow]:
    """Operators by where they stand this year (staff's view), by registration order."""
    request = page_request(OPERATOR_CURSOR, first=first, after=after, last=last, before=before)
    now = services.clock.now()
    year = local(now).year
    if status in (AnnualUpdateStatus.DUE, AnnualUpdateStatus.OVERDUE):
        in_january = local(now).month == 1
        if (status is AnnualUpdateStatus.DUE) != in_january:
            return Page(rows=[], has_previous_page=False, has_next_page=False)
    covered_types = tuple(sorted(t.value for t in services.settings.annual_update_types))
    async with services.reading() as session:

        async def fetch(ids: IdRange) -> Sequence[OperatorRow]:
            statement = _page_of(
                status,
                covered_types,
                year,
                above=ids.above is not None,
                below=ids.below is not None,
                descending=ids.descending,
            )
            parameters = {
                "start_of_year": _start_of_year(year),
                "above": ids.above,
                "below": ids.below,
                "rows": ids.limit,
            }
            return (await session.exec(statement, params=parameters)).all()

        return await read_page(fetch, request, newest_first=False)


async def _covered_active(services: Services) -> Sequence[OperatorRow]:
    covered_types = [t.value for t in services.settings.annual_update_types]
    statement = (
        select(OperatorRow)
        .where(
            col(OperatorRow.status) == OperatorStatus.ACTIVE.value,
            _held_to_it(),
            col(OperatorRow.registration_type).in_(covered_types),
        )
        .order_by(col(OperatorRow.id))
    )
    async with services.reading() as session:
        return (await session.exec(statement)).all()


@dataclass(frozen=True, slots=True)
class Enforcement:
    year: int
    disabled: list[str]
    dry_run: bool


async def enforce_annual_update(
    services: Services, *, year: int | None, dry_run: bool
) -> Enforcement:
    """Disable every covered operator that did not complete `year`'s update (default: this year).
    Idempotent: an operator already disabled is not touched again."""
    now = services.clock.now()
    duty_year = year if year is not None else local(now).year
    if not duty_is_over(year=duty_year, now=now):
        raise DomainError.single("year", ErrorCode.DUTY_NOT_OVER, year=duty_year)
    candidates = await _covered_active(services)
    completions = await completions_of(services, [o.id for o in candidates if o.id])
    owing = [
        o
        for o in candidates
        if o.id is not None
        and must_be_disabled(
            year=duty_year, registered_at=o.created_at, completions=completions[o.id], covered=True
        )
    ]
    # Only those it would disable are looked up in the audit trail, not every operator.
    grace_starts = await grace_starts_of(services, [o.id for o in owing if o.id is not None])
    overdue = [
        o
        for o in owing
        if not in_reactivation_grace(
            now=now,
            grace_ends_at=grace_ends(
                services, year=duty_year, grace_start=grace_starts.get(o.id or 0)
            ),
        )
    ]
    if dry_run:
        return Enforcement(duty_year, [o.user_id for o in overdue], dry_run=True)
    disabled: list[str] = []
    reason = f"No realizó la actualización anual de datos de enero de {duty_year}"
    for operator in overdue:
        async with services.transaction() as session:
            result = await session.exec(
                update(OperatorRow)
                .where(col(OperatorRow.id) == operator.id)
                .where(col(OperatorRow.status) == OperatorStatus.ACTIVE.value)
                .values(
                    status=OperatorStatus.DISABLED.value,
                    status_reason=reason,
                    version=OperatorRow.version + 1,
                    updated_at=now,
                )
            )
            if result.rowcount != 1:
                continue  # disabled meanwhile: nothing to do
            await record_change(
                session,
                operator=operator,
                actor=SYSTEM_ACTOR,
                operation="DISABLE_ANNUAL_UPDATE",
                event_type=EventType.OPERATOR_DISABLED,
                changes=[
                    Change("status", OperatorStatus.ACTIVE.value, OperatorStatus.DISABLED.value),
                    Change("statusReason", operator.status_reason, reason),
                ],
                at=now,
            )
            queue_notice(
                session,
                annual_update_disabled_mail(
                    to=operator.email, user_id=operator.user_id, year=duty_year
                ),
                services=services,
            )
        assert operator.id is not None
        await revoke_other_sessions(services, operator_id=operator.id)
        disabled.append(operator.user_id)
    await deliver_pending(services)
    return Enforcement(duty_year, disabled, dry_run=False)


async def remind_annual_update(services: Services) -> list[str]:
    """In January: one reminder per due operator and year (idempotent)."""
    now = services.clock.now()
    year = local(now).year
    candidates = await _covered_active(services)
    completions = await completions_of(services, [o.id for o in candidates if o.id])
    async with services.reading() as session:
        reminded = await AnnualUpdateRepository(session).reminded(year)
    sent: list[str] = []
    for operator in candidates:
        assert operator.id is not None
        if operator.id in reminded or not reminder_due(
            now=now,
            registered_at=operator.created_at,
            completions=completions[operator.id],
            covered=True,
        ):
            continue
        # The reminder and the record that it was sent commit together: run twice, one mail.
        async with services.transaction() as session:
            AnnualUpdateRepository(session).record_reminder(
                operator_id=operator.id, year=year, at=now
            )
            queue_notice(
                session,
                annual_update_reminder_mail(
                    to=operator.email,
                    user_id=operator.user_id,
                    year=year,
                    due_by=end_of_duty_month(year),
                ),
                services=services,
            )
        sent.append(operator.user_id)
    await deliver_pending(services)
    return sent


async def reactivate_operator(
    services: Services, *, user_id: str, reason: str, staff_user_id: str
) -> OperatorRow:
    text = clean_reason(reason)
    now = services.clock.now()
    async with services.transaction() as session:
        operators = OperatorRepository(session)
        operator = await operators.by_user_id(user_id)
        if operator is None:
            raise DomainError.single("userId", ErrorCode.NOT_FOUND, what=Detail.USER)
        already_active = DomainError.single("userId", ErrorCode.ALREADY_ACTIVE)
        if operator.status == OperatorStatus.ACTIVE.value:
            raise already_active
        if operator.deregistered_at is not None:
            # Its address may belong to another registration by now: it registers anew.
            raise DomainError.single("userId", ErrorCode.DEREGISTERED)
        before = Change("status", operator.status, OperatorStatus.ACTIVE.value)
        reason_before = operator.status_reason
        # Guarded by the status it was read with: of parallel reactivations exactly one writes.
        reactivated = await session.exec(
            update(OperatorRow)
            .where(col(OperatorRow.id) == operator.id)
            .where(col(OperatorRow.status) != OperatorStatus.ACTIVE.value)
            .values(
                status=OperatorStatus.ACTIVE.value,
                status_reason=text,
                version=OperatorRow.version + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if reactivated.rowcount != 1:
            raise already_active
        await record_change(
            session,
            operator=operator,
            actor=Actor(kind="STAFF", user_id=staff_user_id),
            operation=REACTIVATE_OPERATION,
            event_type=EventType.OPERATOR_REACTIVATED,
            changes=[before, Change("statusReason", reason_before, text)],
            at=now,
        )
        assert operator.id is not None
        fresh = await operators.by_id_fresh(operator.id)
    assert fresh is not None
    return fresh
