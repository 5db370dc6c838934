"""CLOCK_FIXED (rehearsals): the 15-minute hold "Comprobar disponibilidad" puts on an address
(§5.5.1) ends by the service clock, stored with the hold; Redis's TTL only cleans up. Each step
goes through an API process whose fixed clock is minutes after the first one's, a moment later
in Redis's real time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from api.domain.emails import email_key
from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.messages import Detail, error_message
from api.domain.modification import MODIFY_PURPOSE
from api.domain.security_codes import CODE_TTL_SECONDS
from api.domain.vocabulary import Locale
from api.persistence.tables import OperatorRow
from api.services.container import Services, build_services
from api.services.email_availability import check_email_availability
from api.services.security_codes import request_security_code
from tests.api.conftest import (
    Api,
    Environment,
    Server,
    SmtpSink,
    make_operator,
    start_server,
    stop_server,
)
from tests.api.test_employees import COMPANY_RUC, PERMISSION, company
from tests.api.test_modify import AVAILABILITY, MODIFY, REQUEST_CODE, code_from, form

T = datetime.fromisoformat("2027-03-10T09:00:00-05:00")
NEW_ADDRESS = "ana.nueva@correo.example"
# Minutes after T at which an API process runs.
MINUTES = (0, 14, 16, 28, 30)


@pytest.fixture(scope="module")
def clocks(
    environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Mapping[int, Server]]:
    """One API process per fixed clock, T plus each of MINUTES."""
    folder = tmp_path_factory.mktemp("fixed-clock-reservations")
    started: dict[int, Server] = {}
    try:
        for minutes in MINUTES:
            instant = T + timedelta(minutes=minutes)
            started[minutes] = start_server(
                environment.variables(CLOCK_FIXED=instant.isoformat()),
                folder / f"api-{minutes}.log",
            )
        yield started
    finally:
        for server in started.values():
            stop_server(server)


@asynccontextmanager
async def at(clocks: Mapping[int, Server], minutes: int) -> AsyncIterator[Api]:
    """The API as the process whose clock reads T + `minutes` serves it."""
    async with httpx.AsyncClient(base_url=clocks[minutes].url, timeout=30) as client:
        yield Api(client)


async def operators(services: Services, count: int) -> list[OperatorRow]:
    return [
        await make_operator(services, user_id=f"OPER{n:02}", email=f"oper{n:02}@correo.example")
        for n in range(count)
    ]


async def sign_in(api: Api, operator: OperatorRow) -> str:
    return await api.login("0912345675001", operator.user_id)


async def check(api: Api, token: str, address: str = NEW_ADDRESS) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(AVAILABILITY, {"e": address}, token=token))[
        "checkEmailAvailability"
    ]
    return result


async def hold_at(clocks: Mapping[int, Server], minutes: int, holder: OperatorRow) -> str:
    """`holder` signs in at T + `minutes` and reserves NEW_ADDRESS; its token."""
    async with at(clocks, minutes) as api:
        token = await sign_in(api, holder)
        assert (await check(api, token))["available"] is True
    return token


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["errors"]]


async def holder_in_redis(services: Services) -> str | None:
    """Who the address key names, whether or not its hold still stands."""
    owner = await services.redis.hget(
        services.keys.email_reservation(email_key(NEW_ADDRESS)), "owner"
    )
    return None if owner is None else str(owner)


async def test_a_reservation_made_at_t_still_holds_at_t_plus_14_minutes(
    clocks: Mapping[int, Server], services: Services
) -> None:
    holder, other = await operators(services, 2)
    await hold_at(clocks, 0, holder)
    async with at(clocks, 14) as api:
        refused = await check(api, await sign_in(api, other))
    assert refused["available"] is False
    assert codes(refused) == ["EMAIL_RESERVED"]
    assert await holder_in_redis(services) == str(holder.id)


async def test_a_reservation_made_at_t_is_released_at_t_plus_16_minutes_while_redis_keeps_it(
    clocks: Mapping[int, Server], services: Services, smtp: SmtpSink
) -> None:
    holder, other = await operators(services, 2)
    holder_token = await hold_at(clocks, 0, holder)
    key = services.keys.email_reservation(email_key(NEW_ADDRESS))
    # Redis's real time has hardly moved: its TTL is far from ending the hold.
    assert await services.redis.ttl(key) > CODE_TTL_SECONDS
    async with at(clocks, 16) as api:
        late = (await api.data(REQUEST_CODE, {"e": NEW_ADDRESS}, token=holder_token))[
            "requestSecurityCode"
        ]
        assert codes(late) == ["EMAIL_NOT_RESERVED"]
        assert smtp.to(NEW_ADDRESS) == []
        taken = await check(api, await sign_in(api, other))
    assert taken["available"] is True
    assert await holder_in_redis(services) == str(other.id)


async def test_a_code_or_update_after_the_hold_ended_says_the_hold_ended_in_each_language(
    clocks: Mapping[int, Server], services: Services, smtp: SmtpSink
) -> None:
    [holder] = await operators(services, 1)
    token = await hold_at(clocks, 0, holder)
    new_email = form(
        keepSameEmail=False,
        email=NEW_ADDRESS,
        emailConfirmation=NEW_ADDRESS,
        securityCode="ABCD2345",
    )
    async with at(clocks, 16) as api:
        spanish = (await api.data(REQUEST_CODE, {"e": NEW_ADDRESS}, token=token))[
            "requestSecurityCode"
        ]
        english = (
            await api.data(
                REQUEST_CODE, {"e": NEW_ADDRESS}, token=token, headers={"Accept-Language": "en"}
            )
        )["requestSecurityCode"]
        modified = (await api.data(MODIFY, {"input": new_email}, token=token))["modify"]
    ended = (
        "email",
        "EMAIL_NOT_RESERVED",
        "Este correo electrónico no está reservado para usted: la reserva terminó; vuelva a "
        "comprobar su disponibilidad.",
    )
    assert [(e["field"], e["code"], e["message"]) for e in spanish["errors"]] == [ended]
    assert [(e["field"], e["code"], e["message"]) for e in modified["errors"]] == [ended]
    assert [(e["field"], e["code"], e["message"]) for e in english["errors"]] == [
        (
            "email",
            "EMAIL_NOT_RESERVED",
            "This e-mail address is not reserved for you: the hold on it ended; check its "
            "availability again.",
        )
    ]
    assert smtp.to(NEW_ADDRESS) == []


async def test_a_code_whose_address_another_user_took_meanwhile_says_so_and_none_is_left(
    clocks: Mapping[int, Server],
    services: Services,
    environment: Environment,
    smtp: SmtpSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The holder asks at T+14, a minute before its hold ends; between its hold being read and
    renewed, another user, on a clock at T+16, finds the address free and takes it. No HTTP
    request can be put between those two steps: the services are driven in the test process."""
    holder, other = await operators(services, 2)
    await hold_at(clocks, 0, holder)
    at_14 = build_services(environment.settings(clock_fixed=T + timedelta(minutes=14)))
    at_16 = build_services(environment.settings(clock_fixed=T + timedelta(minutes=16)))
    issue = at_14.codes.issue

    async def issue_once_the_other_took_it(**arguments: Any) -> int:
        assert (await check_email_availability(at_16, operator=other, email=NEW_ADDRESS)).available
        return await issue(**arguments)

    monkeypatch.setattr(at_14.codes, "issue", issue_once_the_other_took_it)
    try:
        with pytest.raises(DomainError) as refused:
            await request_security_code(at_14, operator=holder, email=NEW_ADDRESS)
        [error] = refused.value.errors
        assert holder.id is not None
        left = await at_14.codes.current(
            operator_id=holder.id, purpose=MODIFY_PURPOSE, now=at_14.clock.now()
        )
    finally:
        await at_14.close()
        await at_16.close()
    assert error == FieldError("email", ErrorCode.EMAIL_NOT_RESERVED, {"why": Detail.HOLD_TAKEN})
    assert error_message(error) == (
        "Este correo electrónico no está reservado para usted: la reserva terminó y otro usuario "
        "lo reservó después; use otra dirección o inténtelo de nuevo en unos minutos."
    )
    assert error_message(error, Locale.EN) == (
        "This e-mail address is not reserved for you: the hold on it ended and another user has "
        "reserved it since; use another address or try again in a few minutes."
    )
    assert left is None
    assert smtp.to(NEW_ADDRESS) == []
    assert await holder_in_redis(services) == str(other.id)


async def test_requesting_the_code_at_t_plus_14_holds_the_address_as_long_as_the_code(
    clocks: Mapping[int, Server], services: Services, smtp: SmtpSink
) -> None:
    holder, other = await operators(services, 2)
    holder_token = await hold_at(clocks, 0, holder)
    async with at(clocks, 14) as api:
        sent = (await api.data(REQUEST_CODE, {"e": NEW_ADDRESS}, token=holder_token))[
            "requestSecurityCode"
        ]
        assert sent["errors"] == []
    code = code_from(smtp.to(NEW_ADDRESS)[-1])
    # At T+28 the first 15 minutes are long over, the code (until T+29) is not: nor is the hold.
    async with at(clocks, 28) as api:
        refused = await check(api, await sign_in(api, other))
        assert codes(refused) == ["EMAIL_RESERVED"]
        changed = (
            await api.data(
                MODIFY,
                {
                    "input": form(
                        keepSameEmail=False,
                        email=NEW_ADDRESS,
                        emailConfirmation=NEW_ADDRESS,
                        securityCode=code,
                    )
                },
                token=holder_token,
            )
        )["modify"]
    assert changed["errors"] == []
    assert changed["operator"]["email"] == NEW_ADDRESS


async def test_the_code_and_the_hold_end_together_by_the_service_clock(
    clocks: Mapping[int, Server], services: Services, smtp: SmtpSink
) -> None:
    holder, other = await operators(services, 2)
    async with at(clocks, 14) as api:
        holder_token = await sign_in(api, holder)
        assert (await check(api, holder_token))["available"] is True
        sent = (await api.data(REQUEST_CODE, {"e": NEW_ADDRESS}, token=holder_token))[
            "requestSecurityCode"
        ]
        assert sent["errors"] == []
    async with at(clocks, 30) as api:  # a minute after both ended at T+29
        assert (await check(api, await sign_in(api, other)))["available"] is True


async def test_of_operators_reserving_one_address_at_once_exactly_one_holds_it(
    clocks: Mapping[int, Server], services: Services
) -> None:
    everyone = await operators(services, 8)
    async with at(clocks, 0) as api:
        tokens = [await sign_in(api, operator) for operator in everyone]
        results = await asyncio.gather(*(check(api, token) for token in tokens))
    winners = [op for op, result in zip(everyone, results, strict=True) if result["available"]]
    assert len(winners) == 1
    assert sorted(code for result in results for code in codes(result)) == ["EMAIL_RESERVED"] * 7
    assert await holder_in_redis(services) == str(winners[0].id)

    # Once that hold ended by the service clock, the others race for it again: one wins.
    others = [(op, token) for op, token in zip(everyone, tokens, strict=True) if op not in winners]
    async with at(clocks, 16) as api:
        again = await asyncio.gather(*(check(api, token) for _, token in others))
    second = [op for (op, _), result in zip(others, again, strict=True) if result["available"]]
    assert len(second) == 1
    assert await holder_in_redis(services) == str(second[0].id)


async def test_an_employee_without_permission_may_not_check_request_a_code_or_modify(
    clocks: Mapping[int, Server], services: Services, smtp: SmtpSink
) -> None:
    """checkEmailAvailability keeps the rule requestSecurityCode and modify keep (SENAE-ISEE-3-2-013),
    and a refused check reserves nothing."""
    await company(services)
    async with at(clocks, 0) as api:
        employee = await api.login(COMPANY_RUC, "EMPLEADO01")
        checked = await check(api, employee)
        requested = (await api.data(REQUEST_CODE, {"e": NEW_ADDRESS}, token=employee))[
            "requestSecurityCode"
        ]
        modified = (
            await api.data(
                MODIFY,
                {"input": form(name="Carlos Andrés Pérez Mora", securityCode="ABCD2345")},
                token=employee,
            )
        )["modify"]
        assert [codes(p) for p in (checked, requested, modified)] == [
            ["PERMISSION_NOT_GRANTED"]
        ] * 3
        assert checked["available"] is False
        assert await holder_in_redis(services) is None
        assert smtp.messages == []

        representative = await api.login(COMPANY_RUC, "REPRE01")
        granted = await api.data(PERMISSION, {"u": "EMPLEADO01", "a": True}, token=representative)
        assert granted["setEmployeePermission"]["errors"] == []
        assert (await check(api, employee))["available"] is True
