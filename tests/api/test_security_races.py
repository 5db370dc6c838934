"""Attacks that arrive together: N parallel requests against the real Redis and PostgreSQL, over
HTTP and over one WebSocket (driven by the `gql` client), and the exact number that got through.

Sign-in reserves its attempt before the password is checked, so parallel guesses cannot all pass
the check; a security code spends its limits and its resend wait before the mail goes out.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from api.services.container import Services
from tests.api.conftest import (
    PASSWORD,
    Api,
    Environment,
    Server,
    SmtpSink,
    make_employee,
    make_operator,
    start_server,
    stop_server,
)

LOGIN = """mutation($i: String!, $u: String!, $p: String!) {
  login(identification: $i, userId: $u, password: $p) { token errors { code } }
}"""
REQUEST_CODE = """mutation($e: String!) {
  requestSecurityCode(email: $e) { expiresAt errors { code retryAfterSeconds } }
}"""
CHECK = "mutation($e: String!) { checkEmailAvailability(email: $e) { available errors { code } } }"
ME = "{ me { userId } }"
COMPANY_RUC = "1790123456001"


def outcome(payload: dict[str, Any]) -> str:
    """What one sign-in or code request came to: OK, or its first error code."""
    return payload["errors"][0]["code"] if payload["errors"] else "OK"


async def login_over_http(api: Api, identification: str, user_id: str, password: str) -> str:
    data = await api.data(LOGIN, {"i": identification, "u": user_id, "p": password})
    return outcome(data["login"])


def ws_client(server: Server, token: str | None = None) -> Client:
    transport = WebsocketsTransport(
        url=server.url.replace("http://", "ws://") + "/graphql",
        init_payload={"authorization": f"Bearer {token}"} if token else {},
        # Strawberry runs queries and mutations over graphql-transport-ws only (the legacy
        # graphql-ws protocol carries subscriptions).
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    return Client(transport=transport)


async def test_parallel_wrong_passwords_are_checked_no_more_often_than_the_limit(
    api: Api, services: Services
) -> None:
    await make_operator(services)
    outcomes = Counter(
        await asyncio.gather(
            *(login_over_http(api, "0912345675001", "USUARIO01", f"Mala-{n}") for n in range(20))
        )
    )
    assert outcomes == {"INVALID_CREDENTIALS": 5, "RATE_LIMITED": 15}
    # The account is locked now, even for the right password.
    assert await login_over_http(api, "0912345675001", "USUARIO01", PASSWORD) == "RATE_LIMITED"


async def test_the_right_password_in_a_burst_of_wrong_ones_gets_through_only_within_the_limit(
    api: Api, services: Services
) -> None:
    await make_operator(services)
    attempts = [f"Mala-{n}" for n in range(19)] + [PASSWORD]
    outcomes = Counter(
        await asyncio.gather(
            *(login_over_http(api, "0912345675001", "USUARIO01", p) for p in attempts)
        )
    )
    # Exactly five attempts were checked: the right password counts only if it was one of them.
    assert outcomes["RATE_LIMITED"] == 15
    assert outcomes["INVALID_CREDENTIALS"] + outcomes["OK"] == 5


async def test_parallel_guesses_over_one_websocket_are_limited_like_http(
    server: Server, services: Services
) -> None:
    await make_operator(services)
    async with ws_client(server) as session:
        results = await asyncio.gather(
            *(
                session.execute(
                    GraphQLRequest(
                        LOGIN,
                        variable_values={"i": "0912345675001", "u": "USUARIO01", "p": f"Mala-{n}"},
                    )
                )
                for n in range(20)
            )
        )
    outcomes = Counter(outcome(result["login"]) for result in results)
    assert outcomes == {"INVALID_CREDENTIALS": 5, "RATE_LIMITED": 15}


async def test_an_employee_has_one_attempt_bucket_whichever_document_it_signs_in_with(
    api: Api, services: Services
) -> None:
    await make_employee(services, COMPANY_RUC)
    for document in ("1704567898", COMPANY_RUC, "1704567898", COMPANY_RUC, "1704567898"):
        assert await login_over_http(api, document, "EMPLEADO01", "Mala") == "INVALID_CREDENTIALS"
    assert await login_over_http(api, COMPANY_RUC, "EMPLEADO01", "Mala") == "RATE_LIMITED"
    assert await login_over_http(api, COMPANY_RUC, "EMPLEADO01", PASSWORD) == "RATE_LIMITED"


@pytest.fixture
def strict_address_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    started = start_server(
        environment.variables(LOGIN_MAX_FAILURES_PER_ADDRESS="10"), tmp_path / "api.log"
    )
    yield started
    stop_server(started)


@pytest.fixture
async def strict_api(strict_address_server: Server) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=strict_address_server.url, timeout=60) as client:
        yield Api(client)


async def test_parallel_attempts_from_one_address_are_checked_no_more_often_than_its_limit(
    strict_api: Api, services: Services
) -> None:
    # Thirty accounts, one guess each, all at once from one address whose limit is ten.
    outcomes = Counter(
        await asyncio.gather(
            *(
                login_over_http(strict_api, "0912345675001", f"USUARIO{n:02}", "Mala")
                for n in range(30)
            )
        )
    )
    assert outcomes == {"INVALID_CREDENTIALS": 10, "RATE_LIMITED": 20}


async def test_a_right_sign_in_gives_its_place_in_the_address_limit_back(
    strict_api: Api, services: Services
) -> None:
    await make_operator(services)
    for _ in range(12):  # more sign-ins than the address may fail
        assert await login_over_http(strict_api, "0912345675001", "USUARIO01", PASSWORD) == "OK"


async def test_parallel_code_requests_send_one_mail(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    results = await asyncio.gather(
        *(
            api.data(REQUEST_CODE, {"e": "ana.gonzalez@correo.example"}, token=token)
            for _ in range(20)
        )
    )
    outcomes = Counter(outcome(r["requestSecurityCode"]) for r in results)
    # One sent; the others refused, by the resend wait or by the hourly limit they met first.
    assert outcomes["OK"] == 1
    assert outcomes["CODE_RECENTLY_SENT"] + outcomes["RATE_LIMITED"] == 19
    await asyncio.sleep(0.3)
    assert len(smtp.to("ana.gonzalez@correo.example")) == 1


async def test_a_reserved_strangers_address_gets_one_code_from_a_flood(
    api: Api, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    victim = "victima@otro-dominio.example"
    checked = (await api.data(CHECK, {"e": victim}, token=token))["checkEmailAvailability"]
    assert checked["available"] is True
    results = await asyncio.gather(
        *(api.data(REQUEST_CODE, {"e": victim}, token=token) for _ in range(100))
    )
    outcomes = Counter(outcome(r["requestSecurityCode"]) for r in results)
    assert outcomes["OK"] == 1
    assert outcomes["CODE_RECENTLY_SENT"] + outcomes["RATE_LIMITED"] == 99
    await asyncio.sleep(0.3)
    assert len(smtp.to(victim)) == 1


async def test_the_hourly_code_limit_holds_and_a_refusal_spends_nothing(
    api: Api, services: Services, smtp: SmtpSink, environment: Environment
) -> None:
    operator = await make_operator(services)
    assert operator.id is not None
    token = await api.login("0912345675001", "USUARIO01")
    address = "ana.gonzalez@correo.example"
    for _ in range(10):
        sent = (await api.data(REQUEST_CODE, {"e": address}, token=token))["requestSecurityCode"]
        assert sent["errors"] == []
        # The resend wait is the store's: forget the code as if a minute had passed.
        await services.codes.discard(operator_id=operator.id, purpose="modify")
    refused = (await api.data(REQUEST_CODE, {"e": address}, token=token))["requestSecurityCode"]
    assert refused["errors"][0]["code"] == "RATE_LIMITED"
    assert 3500 < refused["errors"][0]["retryAfterSeconds"] <= 3600
    assert len(smtp.to(address)) == 10
    counted = await services.redis.get(services.keys.rate("security-codes", str(operator.id)))
    assert counted == "10"  # the refusal gave back what it spent


@pytest.fixture
def budget_server(environment: Environment, tmp_path: Path) -> Iterator[Server]:
    started = start_server(
        environment.variables(REQUEST_BUDGET_PER_MINUTE="5"), tmp_path / "api.log"
    )
    yield started
    stop_server(started)


@pytest.mark.usefixtures("clear_of_a_new_minute")
async def test_every_operation_over_a_websocket_spends_the_request_budget(
    budget_server: Server,
) -> None:
    async with ws_client(budget_server) as session:
        outcomes: list[str | None] = []
        for _ in range(8):
            try:
                await session.execute(GraphQLRequest("{ countries { code } }"))
                outcomes.append("OK")
            except TransportQueryError as error:
                outcomes.append((error.errors or [{}])[0].get("extensions", {}).get("code"))
    # The connection itself was the first of the five.
    assert outcomes == ["OK"] * 4 + ["RATE_LIMITED"] * 4
