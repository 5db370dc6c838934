""" "Solicitud de baja" (§5.8): the user asks with a reason; customs staff approve or reject;
approval disables the user ID."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from api.domain.changes import Change, EventType
from api.domain.cursors import IdRange, encode_cursor, page_request
from api.domain.errors import DomainError, ErrorCode
from api.domain.lifecycle import DeregistrationStatus, clean_reason
from api.domain.messages import Detail
from api.domain.vocabulary import OperatorStatus
from api.mail.templates import (
    deregistration_decided_mail,
    deregistration_received_mail,
    deregistration_staff_notice,
)
from api.persistence.lifecycle import DeregistrationRepository
from api.persistence.operators import (
    Actor,
    OperatorRepository,
    add_audit_entry,
    add_event,
    record_change,
)
from api.persistence.rate_limits import Limit
from api.persistence.tables import DeregistrationRequestRow, OperatorRow
from api.services.auth import revoke_other_sessions
from api.services.container import Services
from api.services.notify import queue_notice, wake_delivery
from api.services.paging import Page, read_page

HOUR: Final = 3600


async def spend_deregistration_change(services: Services, operator_id: int) -> None:
    """Requests and withdrawals per user and hour (`DEREGISTRATION_CHANGES_PER_HOUR`): each
    request mails the user and the staff mailbox, and a request–withdraw loop must not flood
    either."""
    limit = Limit(
        "deregistration", services.settings.deregistration_changes_per_hour, window_seconds=HOUR
    )
    await services.spend(limit, str(operator_id))


@dataclass(frozen=True, slots=True)
class Decision:
    request: DeregistrationRequestRow
    operator: OperatorRow


async def request_deregistration(
    services: Services, *, operator_id: int, reason: str
) -> DeregistrationRequestRow:
    text = clean_reason(reason)
    await spend_deregistration_change(services, operator_id)
    now = services.clock.now()
    try:
        async with services.transaction() as session:
            operator = await OperatorRepository(session).by_id(operator_id)
            assert operator is not None
            repository = DeregistrationRepository(session)
            if await repository.pending_of(operator_id) is not None:
                raise DomainError.single(None, ErrorCode.DEREGISTRATION_PENDING)
            request = DeregistrationRequestRow(operator_id=operator_id, reason=text, created_at=now)
            session.add(request)
            await session.flush()  # the partial unique index refuses a parallel second request
            await record_change(
                session,
                operator=operator,
                actor=Actor(kind="USER", user_id=operator.user_id),
                operation="REQUEST_DEREGISTRATION",
                event_type=EventType.DEREGISTRATION_REQUESTED,
                changes=[Change("deregistrationReason", None, text)],
                at=now,
            )
            assert request.id is not None
            queue_notice(
                session,
                deregistration_received_mail(
                    to=operator.email, user_id=operator.user_id, request_id=request.id, at=now
                ),
                services=services,
            )
            queue_notice(
                session,
                deregistration_staff_notice(
                    to=services.settings.staff_mailbox,
                    user_id=operator.user_id,
                    name=operator.name,
                    request_id=request.id,
                    reason=text,
                    at=now,
                ),
                services=services,
            )
    except IntegrityError:
        raise DomainError.single(None, ErrorCode.DEREGISTRATION_PENDING) from None
    wake_delivery(services)
    return request


async def withdraw_deregistration(
    services: Services, *, operator_id: int
) -> DeregistrationRequestRow:
    await spend_deregistration_change(services, operator_id)
    now = services.clock.now()
    async with services.transaction() as session:
        repository = DeregistrationRepository(session)
        pending = await repository.pending_of(operator_id)
        operator = await OperatorRepository(session).by_id(operator_id)
        assert operator is not None
        if pending is None or pending.id is None:
            raise DomainError.single(None, ErrorCode.NO_PENDING_DEREGISTRATION)
        if not await repository.decide(
            request_id=pending.id,
            status=DeregistrationStatus.WITHDRAWN,
            at=now,
            by=operator.user_id,
            reason=None,
        ):
            raise DomainError.single(None, ErrorCode.ALREADY_DECIDED)
        await record_change(
            session,
            operator=operator,
            actor=Actor(kind="USER", user_id=operator.user_id),
            operation="WITHDRAW_DEREGISTRATION",
            event_type=EventType.DEREGISTRATION_DECIDED,
            changes=[Change("deregistrationStatus", "PENDING", "WITHDRAWN")],
            at=now,
        )
        withdrawn = await repository.by_id(pending.id)
        assert withdrawn is not None
        await session.refresh(withdrawn)
    return withdrawn


async def decide_deregistration(
    services: Services, *, request_id: int, staff_user_id: str, approve: bool, reason: str | None
) -> Decision:
    decision_reason = clean_reason(reason) if reason is not None else None
    status = DeregistrationStatus.APPROVED if approve else DeregistrationStatus.REJECTED
    now = services.clock.now()
    staff = Actor(kind="STAFF", user_id=staff_user_id)
    async with services.transaction() as session:
        repository = DeregistrationRepository(session)
        request = await repository.by_id(request_id)
        if request is None:
            raise DomainError.single(
                "requestId", ErrorCode.NOT_FOUND, what=Detail.DEREGISTRATION_REQUEST
            )
        if not await repository.decide(
            request_id=request_id, status=status, at=now, by=staff_user_id, reason=decision_reason
        ):
            raise DomainError.single("requestId", ErrorCode.ALREADY_DECIDED)
        operators = OperatorRepository(session)
        operator = await operators.by_id(request.operator_id)
        assert operator is not None
        changes = [Change("deregistrationStatus", "PENDING", status.value)]
        if approve:
            changes.append(Change("status", operator.status, OperatorStatus.DISABLED.value))
            await session.exec(
                update(OperatorRow)
                .where(col(OperatorRow.id) == operator.id)
                .values(
                    status=OperatorStatus.DISABLED.value,
                    status_reason=f"Baja aprobada (solicitud {request_id})",
                    version=OperatorRow.version + 1,
                    updated_at=now,
                    # The address is free for a new registration (§5.5.1).
                    deregistered_at=now,
                )
            )
        add_audit_entry(
            session,
            operator=operator,
            actor=staff,
            operation="APPROVE_DEREGISTRATION" if approve else "REJECT_DEREGISTRATION",
            changes=changes,
            at=now,
        )
        await add_event(
            session,
            operator=operator,
            actor=staff,
            event_type=EventType.DEREGISTRATION_DECIDED,
            changes=changes[:1],
            at=now,
        )
        if approve:
            await add_event(
                session,
                operator=operator,
                actor=staff,
                event_type=EventType.OPERATOR_DISABLED,
                changes=changes[1:],
                at=now,
            )
        decided = await repository.by_id(request_id)
        fresh = await operators.by_id_fresh(request.operator_id)
        assert decided is not None
        assert fresh is not None
        await session.refresh(decided)
        queue_notice(
            session,
            deregistration_decided_mail(
                to=fresh.email,
                user_id=fresh.user_id,
                approved=approve,
                reason=decision_reason,
                at=now,
            ),
            services=services,
        )
    if approve:
        await revoke_other_sessions(services, operator_id=request.operator_id)
    wake_delivery(services)
    return Decision(request=decided, operator=fresh)


REQUEST_CURSOR: Final = "deregistration"


def request_cursor(request_id: int) -> str:
    return encode_cursor(REQUEST_CURSOR, request_id)


@dataclass(frozen=True, slots=True)
class RequestPage:
    page: Page[DeregistrationRequestRow]
    operators: dict[int, OperatorRow]


async def list_requests(
    services: Services,
    *,
    status: DeregistrationStatus | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> RequestPage:
    request = page_request(REQUEST_CURSOR, first=first, after=after, last=last, before=before)
    async with services.reading() as session:
        repository = DeregistrationRepository(session)

        async def fetch(ids: IdRange) -> Sequence[DeregistrationRequestRow]:
            return await repository.page(status=status, ids=ids)

        page = await read_page(fetch, request, newest_first=False)
        operators = await OperatorRepository(session).by_ids({r.operator_id for r in page.rows})
    return RequestPage(page=page, operators=operators)


async def request_of(services: Services, request_id: int) -> DeregistrationRequestRow | None:
    async with services.reading() as session:
        return await DeregistrationRepository(session).by_id(request_id)
