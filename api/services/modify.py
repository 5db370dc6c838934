""" "Modificar" (§5.5–§5.7): validate the whole form, then the security code, then write every
change, its audit entry and its events in one transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.exceptions import RedisError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.emails import email_key
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.forms import CleanForm, ModifyForm, registration_type_spec, validate_modify_form
from api.domain.modification import MODIFY_PURPOSE, ModificationPlan, plan_modification
from api.domain.vocabulary import RegistrationTypeCode
from api.mail.templates import email_changed_notice
from api.persistence.operators import Actor, OperatorRepository, add_audit_entry, add_event
from api.persistence.sessions import SessionData
from api.persistence.tables import OperatorRow
from api.services.auth import revoke_other_sessions
from api.services.container import Services
from api.services.notify import queue_notice, wake_delivery
from api.services.passwords import hash_password, verify_password
from api.services.security_codes import (
    code_hash,
    not_reserved,
    refuse_without_permission,
    verify_code,
)

log = logging.getLogger("api.modify")

MODIFY_OPERATION = "MODIFY"


@dataclass(frozen=True, slots=True)
class Modified:
    operator: OperatorRow
    plan: ModificationPlan


async def _checks_with_io(
    services: Services, *, operator: OperatorRow, form: ModifyForm, clean: CleanForm | None
) -> list[FieldError]:
    """The rules a pure function cannot decide: the version, the reserved address, the password."""
    assert operator.id is not None
    errors: list[FieldError] = []
    if form.expected_version is not None and form.expected_version != operator.version:
        errors.append(
            FieldError("expectedVersion", ErrorCode.CONFLICT, {"current_version": operator.version})
        )
    if clean is None:
        return errors
    if clean.email is not None:
        reserved = await services.reservations.reserved_address(
            operator.id, now=services.clock.now()
        )
        if reserved != email_key(clean.email):
            errors.append(
                await not_reserved(services, operator_id=operator.id, address=clean.email)
            )
    if clean.current_password is not None and not await verify_password(
        operator.password_hash, clean.current_password
    ):
        errors.append(FieldError("currentPassword", ErrorCode.WRONG_CURRENT_PASSWORD))
    return errors


async def _check_code(services: Services, *, operator: OperatorRow, clean: CleanForm) -> str:
    """Count one attempt and compare; the hash to consume on success."""
    assert operator.id is not None
    address = clean.email if clean.email is not None else operator.email
    expected = code_hash(services, operator=operator, address=address, code=clean.security_code)
    await verify_code(
        services,
        operator_id=operator.id,
        purpose=MODIFY_PURPOSE,
        expected_hash=expected,
        field="securityCode",
    )
    return expected


async def _write(
    session: AsyncSession,
    services: Services,
    *,
    operator: OperatorRow,
    plan: ModificationPlan,
    new_password_hash: str | None,
    actor: Actor,
) -> OperatorRow:
    now = services.clock.now()
    values: dict[str, object] = {
        **plan.new_values,
        "version": operator.version + 1,
        "updated_at": now,
        "last_update_at": now,
    }
    if new_password_hash is not None:
        values["password_hash"] = new_password_hash
    # Optimistic concurrency: the row changes only if nobody changed it since it was read.
    try:
        result = await session.exec(
            update(OperatorRow)
            .where(OperatorRow.id == operator.id)  # type: ignore[arg-type]
            .where(OperatorRow.version == operator.version)  # type: ignore[arg-type]
            .values(**values)
        )
    except IntegrityError:
        # The unique index on lower(email) rechecks the address inside the transaction: another
        # user took it since it was reserved (only possible around an expired reservation).
        raise DomainError.single("email", ErrorCode.EMAIL_TAKEN) from None
    if result.rowcount != 1:
        raise DomainError.single(
            "expectedVersion", ErrorCode.CONFLICT, current_version=operator.version + 1
        )
    repository = OperatorRepository(session)
    fresh = await repository.by_id_fresh(operator.id)  # type: ignore[arg-type]
    assert fresh is not None
    add_audit_entry(
        session,
        operator=fresh,
        actor=actor,
        operation=MODIFY_OPERATION,
        changes=plan.audit_changes,
        at=now,
    )
    for event_type, changes in plan.events():
        await add_event(
            session, operator=fresh, actor=actor, event_type=event_type, changes=changes, at=now
        )
    return fresh


async def modify_operator(
    services: Services, *, session_data: SessionData, form: ModifyForm
) -> Modified:
    async with services.reading() as db:
        operator = await OperatorRepository(db).by_id(session_data.operator_id)
    if operator is None or operator.id is None:
        raise DomainError.single(None, ErrorCode.UNAUTHENTICATED)

    spec = registration_type_spec(RegistrationTypeCode(operator.registration_type))
    refuse_without_permission(operator)
    clean, errors = validate_modify_form(
        spec=spec,
        form=form,
        current_name=operator.name,
        user_id=operator.user_id,
        identification=operator.identification_number,
        catalogs=services.catalogs,
        current_email=operator.email,
        registered_name=operator.registered_name,
    )
    errors += await _checks_with_io(services, operator=operator, form=form, clean=clean)
    if errors or clean is None:
        raise DomainError(errors)

    # Only a valid form reaches the code: a refused form uses up no attempt.
    accepted_hash = await _check_code(services, operator=operator, clean=clean)
    plan = plan_modification(current=operator.model_dump(), form=clean)
    new_password_hash = (
        await hash_password(clean.new_password) if clean.new_password is not None else None
    )
    actor = Actor(kind="USER", user_id=operator.user_id)
    async with services.transaction() as session:
        fresh = await _write(
            session,
            services,
            operator=operator,
            plan=plan,
            new_password_hash=new_password_hash,
            actor=actor,
        )
        # Used up last, inside the transaction: of two parallel updates with one code, exactly one
        # consumes it; the other rolls back.
        if plan.email_change is not None:
            # The old address hears of the change, even if the mail server is down right now.
            queue_notice(
                session,
                email_changed_notice(
                    to=operator.email,
                    user_id=operator.user_id,
                    new_address=fresh.email,
                    at=fresh.updated_at,
                ),
                services=services,
            )
        if not await services.codes.consume(
            operator_id=operator.id,
            purpose=MODIFY_PURPOSE,
            code_hash=accepted_hash,
            now=services.clock.now(),
        ):
            raise DomainError.single("securityCode", ErrorCode.CODE_EXPIRED)

    await _after_commit(
        services, operator=operator, fresh=fresh, plan=plan, session_data=session_data
    )
    return Modified(operator=fresh, plan=plan)


async def _after_commit(
    services: Services,
    *,
    operator: OperatorRow,
    fresh: OperatorRow,
    plan: ModificationPlan,
    session_data: SessionData,
) -> None:
    """Tidying after the change is committed: none of it may turn the caller's success into a
    failure. The reservation expires by itself; the other sessions already ended (epoch)."""
    assert operator.id is not None
    if plan.email_change is not None:
        try:
            await services.reservations.release(
                operator_id=operator.id, address_key=email_key(str(plan.email_change.new))
            )
        except (RedisError, OSError) as error:
            log.warning("reservation not released after a change: %s", type(error).__name__)
    if plan.password_changed:
        # Whoever knew the old password is signed out everywhere but here.
        await revoke_other_sessions(
            services, operator_id=operator.id, keep=session_data, epoch=fresh.session_epoch
        )
    if plan.email_change is not None:
        wake_delivery(services)
