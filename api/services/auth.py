"""Sign-in and sessions: `login` of SPEC §3, throttled, with one answer for every wrong part."""

from __future__ import annotations

from dataclasses import dataclass

from api.domain.errors import DomainError, ErrorCode
from api.domain.vocabulary import OperatorStatus, RegistrationTypeCode
from api.observability.metrics import count_sign_in_failure
from api.persistence.operators import OperatorRepository
from api.persistence.rate_limits import Limit
from api.persistence.sessions import SessionData
from api.persistence.tables import OperatorRow
from api.services.container import Services
from api.services.passwords import verify_password


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


def _identifies(operator: OperatorRow, identification: str) -> bool:
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
    services: Services, *, identification: str, user_id: str, password: str, client_address: str
) -> LoginResult:
    account_limit, address_limit = _limits(services)
    account = f"{identification.strip().upper()}|{user_id.strip().lower()}"
    limiter = services.rate_limiter
    for limit, subject in ((account_limit, account), (address_limit, client_address)):
        state = await limiter.peek(limit, subject)
        if state.count >= limit.max_events:
            count_sign_in_failure("rate_limited")
            raise DomainError.single(None, ErrorCode.RATE_LIMITED, retry_after=state.retry_after)

    async with services.reading() as session:
        operator = await OperatorRepository(session).by_user_id(user_id)
    password_ok = await verify_password(operator.password_hash if operator else None, password)
    if operator is None or not password_ok or not _identifies(operator, identification):
        await limiter.hit(account_limit, account)
        await limiter.hit(address_limit, client_address)
        count_sign_in_failure("invalid_credentials")
        raise DomainError.single(None, ErrorCode.INVALID_CREDENTIALS)

    await limiter.reset(account_limit, account)
    if operator.status != OperatorStatus.ACTIVE.value:
        count_sign_in_failure("account_disabled")
        raise DomainError.single(None, ErrorCode.ACCOUNT_DISABLED)
    assert operator.id is not None
    token = await services.sessions.create(
        operator_id=operator.id, user_id=operator.user_id, role=operator.role
    )
    return LoginResult(token=token, operator=operator)


async def resolve_token(services: Services, token: str | None) -> SessionData | None:
    if not token:
        return None
    return await services.sessions.resolve(token)


async def logout(services: Services, session: SessionData) -> None:
    await services.sessions.revoke(session)
