""" "Comprobar disponibilidad" (§5.5.1): is an address free for the caller, and hold it if so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from api.domain.emails import email_key, normalize_email
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.modification import MODIFY_PURPOSE
from api.domain.security_codes import CODE_TTL_SECONDS
from api.persistence.operator_records import OperatorState
from api.persistence.operators import OperatorRepository
from api.persistence.rate_limits import Limit
from api.services.container import Services
from api.services.security_codes import refuse_without_permission

# Enough for a person correcting a typo, too few to harvest which addresses are registered.
AVAILABILITY_LIMIT = Limit("email-availability", max_events=10, window_seconds=60)
RESERVATION_SECONDS = CODE_TTL_SECONDS


@dataclass(frozen=True, slots=True)
class Availability:
    email: str
    available: bool
    reason: FieldError | None = None


async def check_email_availability(
    services: Services, *, operator: OperatorState, email: str
) -> Availability:
    assert operator.id is not None
    # The same permission as requestSecurityCode and modify: an employee without it may not
    # start the update (SENAE-ISEE-3-2-013).
    refuse_without_permission(operator)
    await services.spend(AVAILABILITY_LIMIT, str(operator.id), field="email")
    address = normalize_email(
        email, check_deliverability=services.settings.email_check_deliverability
    )
    key = email_key(address)
    if key == email_key(operator.email):
        return Availability(address, False, FieldError("email", ErrorCode.EMAIL_IS_CURRENT))
    await _refuse_if_locked_to_another(services, operator=operator, key=key)

    async with services.reading() as session:
        owner = await OperatorRepository(session).email_owner(address)
    if owner is not None:
        return Availability(address, False, FieldError("email", ErrorCode.EMAIL_TAKEN))
    now = services.clock.now()
    reserved = await services.reservations.reserve(
        operator_id=operator.id,
        address_key=key,
        now=now,
        until=now + timedelta(seconds=RESERVATION_SECONDS),
    )
    if not reserved:
        # Held by another user checking it right now: not registered, but not free either.
        return Availability(address, False, FieldError("email", ErrorCode.EMAIL_RESERVED))
    return Availability(address, True)


async def _refuse_if_locked_to_another(
    services: Services, *, operator: OperatorState, key: str
) -> None:
    """Once a security code was sent to the checked address, the address is locked for this
    update ("una vez verificada no puede ser modificada"); before that, checking another address
    (a typo) replaces the reservation."""
    assert operator.id is not None
    now = services.clock.now()
    reserved = await services.reservations.reserved_address(operator.id, now=now)
    if reserved is None or reserved == key:
        return
    issued = await services.codes.current(operator_id=operator.id, purpose=MODIFY_PURPOSE, now=now)
    if issued is not None and email_key(issued.address) == reserved:
        raise DomainError.single(
            "email", ErrorCode.EMAIL_ALREADY_VERIFIED, retry_after=max(issued.seconds_left(now), 1)
        )
