"""CLOCK_FIXED (rehearsals): a security code's 15 minutes (§5.5.1) and the resend wait are
decided from the instants stored with the code, read with the service clock; Redis's TTL only
cleans up. The code is issued by the application's own services on one fixed clock and used
through an API process on another."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from api.domain.modification import MODIFY_PURPOSE
from api.domain.security_codes import CODE_TTL_SECONDS, RESEND_COOLDOWN_SECONDS
from api.persistence.tables import OperatorRow
from api.services.container import Services, build_services
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
from tests.api.test_modify import MODIFY, REQUEST_CODE, code_from, form

NOW = datetime.fromisoformat("2027-01-15T09:00:00-05:00")
ADDRESS = "ana.gonzalez@correo.example"


@pytest.fixture
def fixed_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    server = start_server(environment.variables(CLOCK_FIXED=NOW.isoformat()), tmp_path / "api.log")
    yield server
    stop_server(server)


@pytest.fixture
async def api_at_now(fixed_server: Server) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=fixed_server.url, timeout=30) as client:
        yield Api(client)


async def issue_at(
    environment: Environment, operator: OperatorRow, smtp: SmtpSink, seconds_ago: int
) -> str:
    """A code issued `seconds_ago` before NOW by the service clock (a moment ago for Redis)."""
    earlier = build_services(environment.settings(clock_fixed=NOW - timedelta(seconds=seconds_ago)))
    try:
        await request_security_code(earlier, operator=operator, email=ADDRESS)
    finally:
        await earlier.close()
    return code_from(smtp.to(ADDRESS)[-1])


async def seconds_redis_keeps_it(environment: Environment) -> int:
    client = aioredis.Redis.from_url(environment.redis_url)
    try:
        [key] = [k async for k in client.scan_iter(match=f"{environment.redis_prefix}code:*")]
        return int(await client.ttl(key))
    finally:
        await client.aclose()


async def test_a_code_issued_fifteen_minutes_and_a_second_ago_is_expired_while_redis_still_has_it(
    api_at_now: Api, services: Services, environment: Environment, smtp: SmtpSink
) -> None:
    operator = await make_operator(services)
    code = await issue_at(environment, operator, smtp, CODE_TTL_SECONDS + 1)
    assert await seconds_redis_keeps_it(environment) > CODE_TTL_SECONDS  # Redis's TTL is far off
    token = await api_at_now.login("0912345675001", "USUARIO01")
    result = (await api_at_now.data(MODIFY, {"input": form(securityCode=code)}, token=token))[
        "modify"
    ]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("securityCode", "CODE_EXPIRED")]
    assert "Solicite un nuevo código" in result["errors"][0]["message"]


async def test_a_code_issued_fourteen_minutes_59_seconds_ago_is_still_valid(
    api_at_now: Api, services: Services, environment: Environment, smtp: SmtpSink
) -> None:
    operator = await make_operator(services)
    code = await issue_at(environment, operator, smtp, CODE_TTL_SECONDS - 1)
    token = await api_at_now.login("0912345675001", "USUARIO01")
    result = (await api_at_now.data(MODIFY, {"input": form(securityCode=code)}, token=token))[
        "modify"
    ]
    assert result["errors"] == []


async def test_the_resend_wait_follows_the_service_clock(
    api_at_now: Api, services: Services, environment: Environment, smtp: SmtpSink
) -> None:
    operator = await make_operator(services)
    token = await api_at_now.login("0912345675001", "USUARIO01")
    await issue_at(environment, operator, smtp, RESEND_COOLDOWN_SECONDS - 5)
    held = (await api_at_now.data(REQUEST_CODE, {"e": ADDRESS}, token=token))["requestSecurityCode"]
    assert [(e["code"], e["retryAfterSeconds"]) for e in held["errors"]] == [
        ("CODE_RECENTLY_SENT", 5)
    ]
    # Replaced (the earlier one forgotten) by one issued just over the wait before NOW.
    assert operator.id is not None
    await services.codes.discard(operator_id=operator.id, purpose=MODIFY_PURPOSE)
    await issue_at(environment, operator, smtp, RESEND_COOLDOWN_SECONDS + 1)
    sent = (await api_at_now.data(REQUEST_CODE, {"e": ADDRESS}, token=token))["requestSecurityCode"]
    assert sent["errors"] == []
    # The expiry it announces is the service clock's NOW plus 15 minutes.
    announced = datetime.fromisoformat(sent["expiresAt"])
    assert announced == NOW + timedelta(seconds=CODE_TTL_SECONDS)


async def test_a_request_whose_instant_comes_before_the_code_in_place_is_still_held_by_it(
    services: Services,
) -> None:
    """Of parallel requests, one may read the clock before another and reach the store after
    it: the code it finds is stamped a moment after its own instant."""
    operator = await make_operator(services)
    assert operator.id is not None

    async def issue(at: datetime) -> int:
        assert operator.id is not None
        return await services.codes.issue(
            operator_id=operator.id,
            purpose=MODIFY_PURPOSE,
            address=ADDRESS,
            code_hash="hash",
            issued_at=at,
            ttl_seconds=CODE_TTL_SECONDS,
            resend_wait_seconds=RESEND_COOLDOWN_SECONDS,
        )

    assert await issue(NOW) == 0
    assert await issue(NOW - timedelta(milliseconds=5)) == RESEND_COOLDOWN_SECONDS
    assert await issue(NOW + timedelta(seconds=20)) == RESEND_COOLDOWN_SECONDS - 20
    # A clock set back by more than the wait is not held.
    assert await issue(NOW - timedelta(seconds=RESEND_COOLDOWN_SECONDS + 1)) == 0
