"""The fields of `Operator` computed from more than its row: the agreement, the yearly update,
the latest deregistration request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.clock import as_utc
from api.domain.lifecycle import agreement_pending as is_agreement_pending
from api.persistence.operator_records import OperatorRecord, OperatorState
from api.persistence.tables import DeregistrationRequestRow, OperatorRow
from api.resolvers.context import Info
from api.resolvers.node_ids import DEREGISTRATION_NODE, node_id
from api.schema.enums import (
    AnnualUpdateStatusEnum,
    AnnualUpdateStepEnum,
    DeregistrationStatusEnum,
)
from api.schema.lifecycle import AnnualUpdate, DeregistrationRequest
from api.services.annual_update import state_of

if TYPE_CHECKING:
    from api.schema.operator import Operator


def _row(operator: Operator) -> OperatorState:
    row = operator.source
    assert isinstance(row, OperatorRow | OperatorRecord)
    return row


async def agreement_pending(operator: Operator, info: Info) -> bool:
    row = _row(operator)
    return is_agreement_pending(
        signed_version=row.agreement_version,
        signed_at=row.agreement_signed_at,
        current_version=await info.context.loaders.current_agreement_version(),
        last_update_at=row.last_update_at,
    )


async def annual_update(operator: Operator, info: Info) -> AnnualUpdate:
    row = _row(operator)
    assert row.id is not None
    completions = await info.context.loaders.completions.load(row.id)
    grace_start = await info.context.loaders.grace_start.load(row.id)
    state = state_of(info.context.services, row, completions, grace_start)
    return AnnualUpdate(
        year=state.year,
        status=AnnualUpdateStatusEnum[state.status.name],
        missing=[AnnualUpdateStepEnum[step.name] for step in state.missing],
        completed_at=state.completed_at,
        due_by=state.due_by,
    )


def to_request(
    row: DeregistrationRequestRow, operator: Operator | None = None
) -> DeregistrationRequest:
    return DeregistrationRequest(
        id=node_id(DEREGISTRATION_NODE, row.id or 0),
        status=DeregistrationStatusEnum[row.status],
        reason=row.reason,
        created_at=as_utc(row.created_at),
        decided_at=as_utc(row.decided_at) if row.decided_at else None,
        decided_by=row.decided_by,
        decision_reason=row.decision_reason,
        operator=operator,
    )


async def deregistration_request(operator: Operator, info: Info) -> DeregistrationRequest | None:
    row = _row(operator)
    assert row.id is not None
    latest = await info.context.loaders.latest_deregistration.load(row.id)
    return to_request(latest) if latest is not None else None
