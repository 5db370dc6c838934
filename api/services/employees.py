"""SENAE-ISEE-3-2-013: a company's representative grants or withdraws its employees' permission
to use "Modificar información de registro"."""

from __future__ import annotations

from typing import Final

from sqlalchemy import update
from sqlmodel import col

from api.domain.changes import Change, EventType
from api.domain.errors import DomainError, ErrorCode
from api.domain.messages import Detail
from api.domain.vocabulary import RegistrationTypeCode
from api.persistence.operators import Actor, OperatorRepository, record_change
from api.persistence.tables import OperatorRow
from api.services.container import Services

# The audit trail's name for a grant or withdrawal of the permission.
EMPLOYEE_PERMISSION_OPERATION: Final = "SET_EMPLOYEE_PERMISSION"


async def set_employee_permission(
    services: Services, *, representative_id: int, user_id: str, allowed: bool
) -> OperatorRow:
    now = services.clock.now()
    async with services.transaction() as session:
        operators = OperatorRepository(session)
        representative = await operators.by_id(representative_id)
        employee = await operators.by_user_id(user_id)
        assert representative is not None
        if (
            representative.registration_type
            != RegistrationTypeCode.FOREIGN_TRADE_REPRESENTATIVE.value
        ):
            raise DomainError.single(None, ErrorCode.FORBIDDEN)
        if (
            employee is None
            or employee.registration_type != RegistrationTypeCode.EMPLOYEE.value
            or not representative.company_ruc
            or employee.company_ruc != representative.company_ruc
        ):
            # Not an employee of the representative's company: as if it did not exist.
            raise DomainError.single("userId", ErrorCode.NOT_FOUND, what=Detail.EMPLOYEE)
        # The change is written only if the permission is not already what was asked (read again
        # under the row's lock): of parallel requests one changes it, the others find it done.
        changed = await session.exec(
            update(OperatorRow)
            .where(col(OperatorRow.id) == employee.id)
            .where(col(OperatorRow.employee_permission) != allowed)
            .values(employee_permission=allowed, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount == 1:
            await record_change(
                session,
                operator=employee,
                actor=Actor(kind="USER", user_id=representative.user_id),
                operation=EMPLOYEE_PERMISSION_OPERATION,
                event_type=EventType.OPERATOR_UPDATED,
                changes=[Change("employeePermission", not allowed, allowed)],
                at=now,
            )
        assert employee.id is not None
        fresh = await operators.by_id_fresh(employee.id)
    assert fresh is not None
    return fresh
