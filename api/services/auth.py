"""Sign-in and sessions: `login` of SPEC §3, throttled, with one answer for every wrong part."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from api.domain.errors import DomainError, ErrorCode
from api.domain.messages import Detail
from api.domain.vocabulary import OperatorStatus, RegistrationTypeCode
from api.observability.metrics import count_sign_in_failure
from api.persistence.operator_records import OperatorRecord
from api.persistence.operators import OperatorRepository
from api.persistence.rate_limits import Limit
from api.persistence.sessions import SessionData
from api.persistence.tables import OperatorRow
from api.services.container import Services
from api.services.passwords import verify_password
from api.services.second_factor import check_second_factor

log = logging.getLogger("api.auth")
# What leaves a sign-in without an answer on the password.
INFRASTRUCTURE_ERRORS = (RedisError, OSError, SQLAlchemyError)


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    operator: OperatorRow


def _limits(services: Services) -> tuple[Limit, Limit]:
    settings = services.settings
    window = settings.login_failure_window_seconds
    return (
        Limit("login-account", settings.login_max_failures_per_account, window),
        Limit("login-address", settings.login_max_failures_per_address, window),
    )


def identifies(operator: OperatorRow, identification: str) -> bool:
    """The login form's "RUC" box: the operator's own document, or for an employee the RUC of the
    company it works for (employees sign in under their company)."""
    given = identification.strip().upper()
    if operator.identification_number.upper() == given:
        return True
    return (
        operator.registration_type == RegistrationTypeCode.EMPLOYEE.value
        and operator.company_ruc == given
    )


async def login(
    services: Services,
    *,
    identification: str,
    user_id: str,
    password: str,
    client_address: str,
    otp: str | None = None,
) -> LoginResult:
    account_limit, address_limit = _limits(services)
    # One bucket per user, whichever document it signs in with (an employee has two).
    account = user_id.strip().lower()
    await _reserve_attempt(services, account=account, client_address=client_address)
    limiter = services.rate_limiter
    try:
        async with services.reading() as session:
            operator = await OperatorRepository(session).by_user_id(user_id)
        password_ok = await verify_password(operator.password_hash if operator else None, password)
        if operator is None or not password_ok or not identifies(operator, identification):
            # The reserved attempts stay counted: they were failures.
            count_sign_in_failure("invalid_credentials")
            raise DomainError.single(None, ErrorCode.INVALID_CREDENTIALS)
        await limiter.reset(account_limit, account)
        await limiter.release(address_limit, client_address)
    except INFRASTRUCTURE_ERRORS:
        # No verdict on the password: an outage (PostgreSQL away, a Redis failover) must not
        # lock the account as if its user had guessed wrong five times.
        await _give_back_attempt(services, account=account, client_address=client_address)
        raise
    if operator.status != OperatorStatus.ACTIVE.value:
        count_sign_in_failure("account_disabled")
        # Told only to whoever gave the right password: a deregistered user must register anew
        # (§5.8), any other disabled one asks SENAE.
        why = (
            Detail.DISABLED_BY_SENAE
            if operator.deregistered_at is None
            else Detail.DEREGISTERED_ON_REQUEST
        )
        raise DomainError.single(None, ErrorCode.ACCOUNT_DISABLED, why=why)
    enrolled = operator.totp_secret is not None
    if enrolled:
        await check_second_factor(services, operator=operator, otp=otp)
    assert operator.id is not None
    token = await services.sessions.create(
        operator_id=operator.id,
        user_id=operator.user_id,
        role=operator.role,
        epoch=operator.session_epoch,
        second_factor=enrolled,
    )
    return LoginResult(token=token, operator=operator)


async def _give_back_attempt(
    services: Services, *, account: str, client_address: str | None
) -> None:
    """Best effort: Redis may be what failed."""
    account_limit, address_limit = _limits(services)
    try:
        await services.rate_limiter.release(account_limit, account)
        if client_address is not None:
            await services.rate_limiter.release(address_limit, client_address)
    except (RedisError, OSError) as error:
        log.warning("sign-in attempt not given back: %s", type(error).__name__)


async def _reserve_attempt(services: Services, *, account: str, client_address: str) -> None:
    """Counts the attempt as a failure before the password is checked (argon2 takes ~100 ms):
    of N parallel guesses only as many as the limit leaves are ever checked. A right password
    gives its reservations back."""
    account_limit, address_limit = _limits(services)
    limiter = services.rate_limiter
    state = await limiter.hit(account_limit, account)
    if state.exceeded(account_limit):
        count_sign_in_failure("rate_limited")
        raise DomainError.single(None, ErrorCode.RATE_LIMITED, retry_after=state.retry_after)
    try:
        state = await limiter.hit(address_limit, client_address)
    except INFRASTRUCTURE_ERRORS:
        await _give_back_attempt(services, account=account, client_address=None)
        raise
    if state.exceeded(address_limit):
        await limiter.release(account_limit, account)
        count_sign_in_failure("rate_limited")
        raise DomainError.single(None, ErrorCode.RATE_LIMITED, retry_after=state.retry_after)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A session that still counts, with its operator's record as read to decide it."""

    session: SessionData
    operator: OperatorRecord


async def operator_if_session_counts(
    services: Services, session: SessionData
) -> OperatorRecord | None:
    """The session's operator, if the session still counts: the operator exists, is active, and
    has the epoch the session was opened under (a password change or a disabling moved it on in
    its own transaction). The database decides; Redis only holds the sessions."""
    operator = await services.operator_record(session.operator_id)
    if (
        operator is None
        or operator.status != OperatorStatus.ACTIVE.value
        or operator.session_epoch != session.epoch
    ):
        return None
    return operator


async def resolve_token(services: Services, token: str | None) -> SignedIn | None:
    """The signed-in caller of `token`, or None for a token that is unknown, expired, or whose
    account was disabled or had its password changed since (that session is then removed)."""
    if not token:
        return None
    session = await services.sessions.resolve(token)
    if session is None:
        return None
    operator = await operator_if_session_counts(services, session)
    if operator is None:
        await services.sessions.revoke(session)
        return None
    return SignedIn(session=session, operator=operator)


async def still_signed_in(services: Services, session: SessionData) -> bool:
    """For what lives longer than a request (a subscription): the session is still in the store
    and still counts."""
    if not await services.sessions.is_active(session.token_hash):
        return False
    return await operator_if_session_counts(services, session) is not None


async def revoke_other_sessions(
    services: Services, *, operator_id: int, keep: SessionData | None = None, epoch: int = 0
) -> None:
    """Removes the operator's other sessions from the store after a change that ended them.
    The change already ended them in the database (the epoch); this only tidies the store, so
    a failure here is logged, never reported to the caller as if the change had failed."""
    try:
        if keep is not None:
            await services.sessions.move_to_epoch(keep, epoch)
        await services.sessions.revoke_all(
            operator_id, keep_token_hash=keep.token_hash if keep else None
        )
    except (RedisError, OSError) as error:
        log.warning("sessions not tidied after a change: %s", type(error).__name__)


async def logout(services: Services, session: SessionData) -> None:
    await services.sessions.revoke(session)
