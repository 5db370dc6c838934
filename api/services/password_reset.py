""" "REINICIAR CLAVE" (SENAE-ISEE-3-2-010 §5.1; menu 3.2.2 "Solicitud de reinicio de clave
automática"): an operator who forgot the password sets a new one with a code mailed to its
registered address, so that it can still do the January update.

Asking for a code tells nothing about who exists: every request gets the same answer, after the
same work (a decoy takes the place of an unknown or disabled operator), and the mail leaves in
the background, so an answer takes no longer for a real user than for an invented one. Only the
limit per client address is visible (it is the same for every user asked about); the limits
per operator and per recipient, and the resend wait, hold silently.

The code is stored only as a keyed hash bound to the operator, the purpose and the address,
valid 15 minutes, used once; only a wrong code counts as an attempt. A reset writes the new
hash, an audit row and a PASSWORD_RESET event in one transaction, ends every session (the
password change moves the session epoch) and queues a notice to the registered address.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col

from api.domain.changes import Change, EventType
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.passwords import password_errors
from api.domain.security_codes import (
    CODE_TTL_SECONDS,
    PASSWORD_RESET_PURPOSE,
    RESEND_COOLDOWN_SECONDS,
    generate_code,
    hash_code,
)
from api.domain.vocabulary import Locale, OperatorStatus
from api.mail.sender import MailNotSent, OutgoingMail
from api.mail.templates import password_reset_mail, password_reset_notice
from api.persistence.operators import Actor, OperatorRepository, record_change
from api.persistence.rate_limits import Limit
from api.persistence.tables import OperatorRow
from api.services.auth import identifies, revoke_other_sessions
from api.services.container import Services
from api.services.notify import queue_notice, wake_delivery
from api.services.passwords import hash_password
from api.services.security_codes import verify_code

log = logging.getLogger("api.password_reset")

# Visible: counted per client address, whoever is asked about.
REQUESTS_PER_ADDRESS = Limit("password-reset-requests", max_events=20, window_seconds=3600)
# Silent: a refusal here would tell that the operator exists.
CODES_PER_OPERATOR = Limit("password-reset-codes", max_events=5, window_seconds=3600)
CODES_PER_RECIPIENT = Limit("password-reset-codes-to", max_events=5, window_seconds=3600)
# Stands in for an operator that does not exist or may not reset (no operator has id 0).
DECOY_ID = 0
DECOY_ADDRESS = "decoy@invalid.invalid"
# The mails being sent in the background, kept so that they are not collected half-way.
_SENDING: set[asyncio.Task[None]] = set()


async def request_password_reset(
    services: Services,
    *,
    identification: str,
    user_id: str,
    client_address: str,
    locale: Locale,
) -> None:
    """Mails a code when the pair names an active operator; the same for the caller otherwise."""
    await services.spend(REQUESTS_PER_ADDRESS, client_address)
    async with services.reading() as db:
        operator = await OperatorRepository(db).by_user_id(user_id)
    recipient = operator if _may_reset(operator, identification) else None
    operator_id = recipient.id if recipient is not None and recipient.id else DECOY_ID
    address = recipient.email if recipient is not None else DECOY_ADDRESS
    code = generate_code()
    issued = await _issue(services, operator_id=operator_id, address=address, code=code)
    if recipient is None or not issued:
        return
    mail = password_reset_mail(
        to=address,
        code=code,
        expires_at=services.clock.now() + timedelta(seconds=CODE_TTL_SECONDS),
        user_id=recipient.user_id,
        locale=locale,
    )
    task = asyncio.create_task(_send(services, mail=mail, operator_id=operator_id))
    _SENDING.add(task)
    task.add_done_callback(_SENDING.discard)


def _may_reset(operator: OperatorRow | None, identification: str) -> bool:
    """An active operator named by its own document (or, for an employee, its company's RUC)."""
    return (
        operator is not None
        and operator.status == OperatorStatus.ACTIVE.value
        and identifies(operator, identification)
    )


async def _issue(services: Services, *, operator_id: int, address: str, code: str) -> bool:
    """Spends the silent limits and issues the code (or its decoy): the same Redis work either
    way. False when a limit or the resend wait held it back."""
    limiter = services.rate_limiter
    limits = ((CODES_PER_OPERATOR, str(operator_id)), (CODES_PER_RECIPIENT, address.lower()))
    states = [(limit, await limiter.hit(limit, subject)) for limit, subject in limits]
    over = any(state.exceeded(limit) for limit, state in states)
    # Over a limit, the decoy is issued instead: the operator's code in place stays as it was.
    target, to = (DECOY_ID, DECOY_ADDRESS) if over else (operator_id, address)
    wait = await services.codes.issue(
        operator_id=target,
        purpose=PASSWORD_RESET_PURPOSE,
        address=to,
        code_hash=_code_hash(services, operator_id=target, address=to, code=code),
        issued_at=services.clock.now(),
        ttl_seconds=CODE_TTL_SECONDS,
        resend_wait_seconds=0 if target == DECOY_ID else RESEND_COOLDOWN_SECONDS,
    )
    if over or wait:
        for limit, subject in limits:
            await limiter.release(limit, subject)
        return False
    return True


async def _send(services: Services, *, mail: OutgoingMail, operator_id: int) -> None:
    try:
        await services.mailer.send(mail)
    except MailNotSent:
        # Nobody received it: it must not stay usable, nor hold back the next request.
        await services.codes.discard(operator_id=operator_id, purpose=PASSWORD_RESET_PURPOSE)
    except Exception as error:  # the caller has its answer already: log, never raise
        log.warning("password reset code not sent: %s", type(error).__name__)


def _code_hash(services: Services, *, operator_id: int, address: str, code: str) -> str:
    return hash_code(
        secret=services.settings.secret_key.encode(),
        user_key=str(operator_id),
        purpose=PASSWORD_RESET_PURPOSE,
        address=address,
        code=code,
    )


async def reset_password(
    services: Services,
    *,
    identification: str,
    user_id: str,
    code: str,
    new_password: str,
    new_password_confirmation: str,
) -> OperatorRow:
    async with services.reading() as db:
        operator = await OperatorRepository(db).by_user_id(user_id)
    errors: list[FieldError] = []
    if new_password != new_password_confirmation:
        errors.append(FieldError("newPasswordConfirmation", ErrorCode.MISMATCH))
    errors.extend(
        FieldError("newPassword", error.code, error.params)
        for error in password_errors(
            password=new_password,
            user_id=user_id.strip(),
            identification=operator.identification_number if operator else identification,
        )
    )
    if errors:
        raise DomainError(errors)  # not an attempt at the code
    if not _may_reset(operator, identification) or operator is None or operator.id is None:
        # As for an operator whose code expired: nothing tells that this one does not exist.
        raise DomainError.single("code", ErrorCode.CODE_EXPIRED)
    expected = _code_hash(services, operator_id=operator.id, address=operator.email, code=code)
    await verify_code(
        services,
        operator_id=operator.id,
        purpose=PASSWORD_RESET_PURPOSE,
        expected_hash=expected,
        field="code",
    )
    password_hash = await hash_password(new_password)
    now = services.clock.now()
    async with services.transaction() as session:
        await session.exec(
            update(OperatorRow)
            .where(col(OperatorRow.id) == operator.id)
            .values(password_hash=password_hash, version=OperatorRow.version + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await record_change(
            session,
            operator=operator,
            actor=Actor(kind="USER", user_id=operator.user_id),
            operation="RESET_PASSWORD",
            event_type=EventType.PASSWORD_RESET,
            changes=[Change("password", None, None, secret=True)],
            at=now,
        )
        queue_notice(
            session,
            password_reset_notice(to=operator.email, user_id=operator.user_id, at=now),
            services=services,
        )
        # Used up last, inside the transaction: of two parallel resets one wins.
        if not await services.codes.consume(
            operator_id=operator.id,
            purpose=PASSWORD_RESET_PURPOSE,
            code_hash=expected,
            now=services.clock.now(),
        ):
            raise DomainError.single("code", ErrorCode.CODE_EXPIRED)
        fresh = await OperatorRepository(session).by_id_fresh(operator.id)
    assert fresh is not None
    await revoke_other_sessions(services, operator_id=operator.id)
    wake_delivery(services)
    return fresh
