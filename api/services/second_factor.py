"""The second factor of sign-in (TOTP): enrolment by command, the check at sign-in.

The secret is kept sealed with a key derived from SECRET_KEY (Fernet: AES with an HMAC), so a
copy of the database alone does not give anybody's codes. Each code is accepted once; wrong
codes are limited per user like wrong passwords.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import update
from sqlmodel import col

from api.domain.changes import Change, EventType
from api.domain.errors import DomainError, ErrorCode
from api.domain.messages import Detail
from api.domain.second_factor import accepted_step, new_totp_secret, provisioning_uri
from api.persistence.operators import SYSTEM, OperatorRepository, record_change
from api.persistence.rate_limits import Limit
from api.persistence.tables import OperatorRow
from api.services.container import Services

OTP_LIMIT = Limit("login-otp", max_events=5, window_seconds=900)
# A used step is remembered a little longer than it can be accepted (three steps of 30 s).
USED_STEP_SECONDS = 120


def _fernet(services: Services) -> Fernet:
    digest = hashlib.sha256(b"totp-secret:" + services.settings.secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(services: Services, secret: str) -> str:
    return _fernet(services).encrypt(secret.encode()).decode()


def unseal(services: Services, sealed: str) -> str | None:
    """The secret, or None when it was sealed under another SECRET_KEY."""
    try:
        return _fernet(services).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


async def enroll_totp(services: Services, *, user_id: str) -> str:
    """A new secret for `user_id` (replacing any earlier one); returns its provisioning URI."""
    secret = new_totp_secret()
    now = services.clock.now()
    async with services.transaction() as session:
        operators = OperatorRepository(session)
        operator = await operators.by_user_id(user_id)
        if operator is None:
            raise DomainError.single("userId", ErrorCode.NOT_FOUND, what=Detail.USER)
        await session.exec(
            update(OperatorRow)
            .where(col(OperatorRow.id) == operator.id)
            .values(totp_secret=seal(services, secret), updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await record_change(
            session,
            operator=operator,
            actor=SYSTEM,
            operation="ENROLL_SECOND_FACTOR",
            event_type=EventType.OPERATOR_UPDATED,
            changes=[Change("secondFactor", operator.totp_secret is not None, True)],
            at=now,
        )
    return provisioning_uri(secret=secret, user_id=operator.user_id)


async def check_second_factor(
    services: Services, *, operator: OperatorRow, otp: str | None
) -> None:
    """Refuses the sign-in of an enrolled operator without the right code, counting wrong codes
    before they are checked (parallel guesses cannot pass the limit)."""
    assert operator.id is not None
    assert operator.totp_secret is not None
    if not otp or not otp.strip():
        raise DomainError.single("otp", ErrorCode.OTP_REQUIRED)
    subject = str(operator.id)
    state = await services.rate_limiter.hit(OTP_LIMIT, subject)
    if state.exceeded(OTP_LIMIT):
        raise DomainError.single("otp", ErrorCode.RATE_LIMITED, retry_after=state.retry_after)
    secret = unseal(services, operator.totp_secret)
    step = (
        accepted_step(secret=secret, code=otp, at=services.clock.now())
        if secret is not None
        else None
    )
    if step is None or not await _first_use(services, operator_id=operator.id, step=step):
        raise DomainError.single("otp", ErrorCode.OTP_INVALID)
    await services.rate_limiter.reset(OTP_LIMIT, subject)


async def _first_use(services: Services, *, operator_id: int, step: int) -> bool:
    key = services.keys.rate("otp-used", f"{operator_id}:{step}")
    return bool(await services.redis.set(key, "1", ex=USED_STEP_SECONDS, nx=True))
