""" "Solicitar código de seguridad" (§5.5.1): a code of letters and digits, valid 15 minutes, sent
by e-mail to the new address when the e-mail changes, to the registered one when it is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from api.domain.emails import email_key, normalize_email
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.forms import permission_error, registration_type_spec
from api.domain.messages import Detail
from api.domain.modification import MODIFY_PURPOSE
from api.domain.security_codes import (
    CODE_TTL_SECONDS,
    MAX_CODES_PER_HOUR,
    MAX_WRONG_ATTEMPTS,
    RESEND_COOLDOWN_SECONDS,
    generate_code,
    hash_code,
)
from api.domain.vocabulary import Locale, RegistrationTypeCode
from api.mail.sender import MailNotSent
from api.mail.templates import security_code_mail
from api.observability.metrics import SECURITY_CODES_SENT
from api.persistence.code_store import Verdict
from api.persistence.operator_records import OperatorState
from api.persistence.rate_limits import Limit
from api.services.container import Services

HOURLY_CODES = Limit("security-codes", max_events=MAX_CODES_PER_HOUR, window_seconds=3600)
# Mail to one address, whoever asks for it: an address reserved by a stranger is not bombed
# through several accounts.
CODES_PER_ADDRESS = Limit("security-codes-to", max_events=MAX_CODES_PER_HOUR, window_seconds=3600)


@dataclass(frozen=True, slots=True)
class SentCode:
    address: str
    expires_at: datetime


def code_hash(
    services: Services,
    *,
    operator: OperatorState,
    address: str,
    code: str,
    purpose: str = MODIFY_PURPOSE,
) -> str:
    return hash_code(
        secret=services.settings.secret_key.encode(),
        user_key=str(operator.id),
        purpose=purpose,
        address=address,
        code=code,
    )


async def verify_code(
    services: Services, *, operator_id: int, purpose: str, expected_hash: str, field: str
) -> None:
    """Counts one attempt at the code and refuses (on `field`) unless it is the right one: wrong
    (with the attempts left), locked after too many, or expired (or never issued)."""
    verification = await services.codes.verify(
        operator_id=operator_id,
        purpose=purpose,
        code_hash=expected_hash,
        max_attempts=MAX_WRONG_ATTEMPTS,
        now=services.clock.now(),
    )
    if verification.verdict is Verdict.OK:
        return
    if verification.verdict is Verdict.WRONG:
        raise DomainError.single(
            field, ErrorCode.CODE_INVALID, attempts_left=verification.attempts_left
        )
    if verification.verdict is Verdict.LOCKED:
        raise DomainError.single(field, ErrorCode.CODE_LOCKED)
    raise DomainError.single(field, ErrorCode.CODE_EXPIRED)


async def allowed_address(
    services: Services, *, operator: OperatorState, email: str, now: datetime
) -> str:
    """The registered address (the e-mail is kept) or the one the caller holds at `now`; else
    refused."""
    assert operator.id is not None
    address = normalize_email(email)
    if email_key(address) == email_key(operator.email):
        return operator.email
    if await services.reservations.reserved_address(operator.id, now=now) == email_key(address):
        return address
    raise DomainError([await not_reserved(services, operator_id=operator.id, address=address)])


async def not_reserved(services: Services, *, operator_id: int, address: str) -> FieldError:
    """EMAIL_NOT_RESERVED for an address the operator does not hold now, saying whether it never
    checked it or its hold ended (checking it again is the remedy in both cases)."""
    checked = await services.reservations.last_reserved(operator_id) == email_key(address)
    why = Detail.HOLD_ENDED if checked else Detail.NEVER_CHECKED
    return FieldError("email", ErrorCode.EMAIL_NOT_RESERVED, {"why": why})


def refuse_without_permission(operator: OperatorState) -> None:
    """An employee needs its company's permission to use the option (SENAE-ISEE-3-2-013)."""
    spec = registration_type_spec(RegistrationTypeCode(operator.registration_type))
    error = permission_error(spec=spec, permission_granted=operator.employee_permission)
    if error is not None:
        raise DomainError([error])


def _mail_limits(*, operator_id: int, address: str) -> tuple[tuple[Limit, str], ...]:
    return ((HOURLY_CODES, str(operator_id)), (CODES_PER_ADDRESS, email_key(address)))


async def _spend_limits(services: Services, *, operator_id: int, address: str) -> None:
    """Spends the hourly limits (per account and per recipient address) before the mail is sent,
    each in one Redis command: however many requests arrive at once, no more mails go out than
    the limits allow. A refused request gives back what it spent."""
    states = [
        (limit, await services.rate_limiter.hit(limit, subject))
        for limit, subject in _mail_limits(operator_id=operator_id, address=address)
    ]
    over = [state for limit, state in states if state.exceeded(limit)]
    if over:
        await _give_back(services, operator_id=operator_id, address=address)
        retry_after = max(state.retry_after for state in over)
        raise DomainError.single(None, ErrorCode.RATE_LIMITED, retry_after=retry_after)


async def _give_back(services: Services, *, operator_id: int, address: str) -> None:
    """No mail went out: it counts against no limit."""
    for limit, subject in _mail_limits(operator_id=operator_id, address=address):
        await services.rate_limiter.release(limit, subject)


async def _hold_as_long_as_the_code(
    services: Services, *, operator_id: int, address: str, now: datetime, until: datetime
) -> None:
    """The reservation of a new address is renewed to end with the code, before the code is
    mailed: a still-valid code never meets EMAIL_NOT_RESERVED. Renewing fails only when the hold
    ended since the check and another user took the address: then no code is left."""
    renewed = await services.reservations.reserve(
        operator_id=operator_id, address_key=email_key(address), now=now, until=until
    )
    if not renewed:
        await services.codes.discard(operator_id=operator_id, purpose=MODIFY_PURPOSE)
        await _give_back(services, operator_id=operator_id, address=address)
        raise DomainError.single("email", ErrorCode.EMAIL_NOT_RESERVED, why=Detail.HOLD_TAKEN)


async def request_security_code(
    services: Services, *, operator: OperatorState, email: str, locale: Locale = Locale.ES
) -> SentCode:
    assert operator.id is not None
    refuse_without_permission(operator)
    now = services.clock.now()
    address = await allowed_address(services, operator=operator, email=email, now=now)
    await _spend_limits(services, operator_id=operator.id, address=address)
    code = generate_code()
    expires_at = now + timedelta(seconds=CODE_TTL_SECONDS)
    # The resend wait is decided inside the store, in the same step that issues the code.
    wait = await services.codes.issue(
        operator_id=operator.id,
        purpose=MODIFY_PURPOSE,
        address=address,
        code_hash=code_hash(services, operator=operator, address=address, code=code),
        issued_at=now,
        ttl_seconds=CODE_TTL_SECONDS,
        resend_wait_seconds=RESEND_COOLDOWN_SECONDS,
    )
    if wait:
        await _give_back(services, operator_id=operator.id, address=address)
        raise DomainError.single(None, ErrorCode.CODE_RECENTLY_SENT, retry_after=wait)
    if email_key(address) != email_key(operator.email):
        await _hold_as_long_as_the_code(
            services, operator_id=operator.id, address=address, now=now, until=expires_at
        )
    try:
        await services.mailer.send(
            security_code_mail(
                to=address,
                code=code,
                expires_at=expires_at,
                user_id=operator.user_id,
                locale=locale,
            )
        )
    except MailNotSent:
        # A code nobody received must not stay usable (nor hold back the next request).
        await services.codes.discard(operator_id=operator.id, purpose=MODIFY_PURPOSE)
        await _give_back(services, operator_id=operator.id, address=address)
        raise
    SECURITY_CODES_SENT.inc()
    return SentCode(address=address, expires_at=expires_at)
