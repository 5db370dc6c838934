"""Sessions die with the account: the database decides which sessions still count (the operator's
status and session epoch, moved by a trigger in the transaction of the change), so neither a
sign-in racing the change nor a Redis failing right after it leaves a session alive."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import text

from api.services.auth import resolve_token
from api.services.container import Services, build_services
from api.services.deregistration import decide_deregistration, request_deregistration
from tests.api.conftest import PASSWORD, Api, Environment, Server, make_operator, make_staff

ME = "{ me { userId } }"
REQUEST_CODE = (
    'mutation { requestSecurityCode(email: "ana.gonzalez@correo.example") { errors { code } } }'
)
LOGIN = """mutation($p: String!) {
  login(identification: "0912345675001", userId: "USUARIO01", password: $p) { token errors { code } }
}"""
REQUEST = 'mutation { requestDeregistration(reason: "Cierre") { request { id } errors { code } } }'
APPROVE = "mutation($id: ID!) { approveDeregistration(requestId: $id) { errors { code } } }"


async def execute_sql(services: Services, sql: str) -> None:
    async with services.transaction() as session:
        await session.exec(text(sql))  # type: ignore[call-overload]


async def signed_in_user(api: Api, services: Services) -> str:
    await make_operator(services)
    return await api.login("0912345675001", "USUARIO01")


async def assert_signed_out(api: Api, token: str) -> None:
    answer = await api.post(ME, token=token)
    assert answer["data"]["me"] is None
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refused = (await api.data(REQUEST_CODE, token=token))["requestSecurityCode"]
    assert refused["errors"] == [{"code": "UNAUTHENTICATED"}]


async def test_a_session_dies_when_the_account_is_disabled_whoever_writes_it(
    api: Api, services: Services
) -> None:
    token = await signed_in_user(api, services)
    assert (await api.data(ME, token=token))["me"] == {"userId": "USUARIO01"}
    # Straight into the database, as a script or a restore would: no Redis step at all.
    await execute_sql(services, "UPDATE operators SET status = 'DISABLED'")
    await assert_signed_out(api, token)
    # Enabled again, the old session stays dead: the epoch moved on twice.
    await execute_sql(services, "UPDATE operators SET status = 'ACTIVE'")
    await assert_signed_out(api, token)


async def test_a_session_dies_when_the_password_changes_whoever_writes_it(
    api: Api, services: Services
) -> None:
    token = await signed_in_user(api, services)
    await execute_sql(services, "UPDATE operators SET password_hash = password_hash || 'x'")
    await assert_signed_out(api, token)


async def test_a_session_lives_through_changes_that_do_not_end_it(
    api: Api, services: Services
) -> None:
    token = await signed_in_user(api, services)
    await execute_sql(services, "UPDATE operators SET address = 'Av. Quito 200'")
    assert (await api.data(ME, token=token))["me"] == {"userId": "USUARIO01"}


async def test_a_sign_in_racing_a_deregistration_approval_leaves_no_working_session(
    api: Api, services: Services
) -> None:
    await make_staff(services)
    staff = await api.login("1704567898", "SENAE.STAFF")
    for _ in range(3):
        await execute_sql(services, "DELETE FROM operators WHERE user_id = 'USUARIO01'")
        user = await signed_in_user(api, services)
        request = (await api.data(REQUEST, token=user))["requestDeregistration"]
        request_id = request["request"]["id"]
        signed, approved = await asyncio.gather(
            api.data(LOGIN, {"p": PASSWORD}),
            api.data(APPROVE, {"id": request_id}, token=staff),
        )
        assert approved["approveDeregistration"]["errors"] == []
        token = signed["login"]["token"]
        for session in (user, token):
            if session:  # the sign-in may have lost the race outright (ACCOUNT_DISABLED)
                await assert_signed_out(api, session)


async def test_a_sign_in_racing_a_password_change_leaves_no_session_with_the_old_password(
    api: Api, services: Services
) -> None:
    await make_operator(services)
    for n in range(4):
        signed, _ = await asyncio.gather(
            api.data(LOGIN, {"p": PASSWORD}),
            execute_sql(services, f"UPDATE operators SET password_hash = password_hash || '{n}'"),
        )
        token = signed["login"]["token"]
        if token:
            await assert_signed_out(api, token)
        await execute_sql(
            services, f"UPDATE operators SET password_hash = rtrim(password_hash, '{n}')"
        )


@pytest.fixture
async def breakable_redis(environment: Environment) -> AsyncIterator[tuple[Services, Any]]:
    """The application's services signed in to Redis as a user of their own, whose rights the
    test can take away: a real Redis refusing every command, at the moment the test chooses."""
    name = f"svc-{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    admin = aioredis.Redis.from_url(environment.redis_url)
    await admin.execute_command("ACL", "SETUSER", name, "on", f">{password}", "~*", "&*", "+@all")
    url = environment.redis_url.replace("redis://", f"redis://{name}:{password}@")
    built = build_services(environment.settings(redis_url=url))

    async def break_it() -> None:
        await admin.execute_command("ACL", "SETUSER", name, "-@all")

    try:
        yield built, break_it
    finally:
        await admin.execute_command("ACL", "DELUSER", name)
        await admin.aclose()
        await built.close()


async def test_an_approval_is_reported_done_and_ends_the_sessions_when_redis_fails_after_the_commit(
    api: Api, services: Services, breakable_redis: tuple[Services, Any]
) -> None:
    user_services, break_redis = breakable_redis
    token = await signed_in_user(api, services)
    operator = await make_staff(services)
    assert operator.id is not None
    async with services.reading() as session:
        row = (
            await session.exec(text("SELECT id FROM operators WHERE user_id = 'USUARIO01'"))  # type: ignore[call-overload]
        ).one()
    request = await request_deregistration(services, operator_id=int(row[0]), reason="Cierre")
    assert request.id is not None
    await break_redis()
    decision = await decide_deregistration(
        user_services,
        request_id=request.id,
        staff_user_id="SENAE.STAFF",
        approve=True,
        reason=None,
    )
    assert decision.operator.status == "DISABLED"
    # The session is still in Redis (nobody could remove it), and it no longer counts.
    assert await services.sessions.resolve(token) is not None
    assert await resolve_token(services, token) is None
    await assert_signed_out(api, token)


def ws_client(server: Server, token: str) -> Client:
    return Client(
        transport=WebsocketsTransport(
            url=server.url.replace("http://", "ws://") + "/graphql",
            init_payload={"authorization": f"Bearer {token}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
    )


async def test_a_websocket_opened_before_the_account_was_disabled_answers_unauthenticated(
    api: Api, services: Services, server: Server
) -> None:
    token = await signed_in_user(api, services)
    async with ws_client(server, token) as session:
        assert await session.execute(GraphQLRequest(ME)) == {"me": {"userId": "USUARIO01"}}
        await execute_sql(services, "UPDATE operators SET status = 'DISABLED'")
        with pytest.raises(TransportQueryError) as refused:
            await session.execute(GraphQLRequest(ME))
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_each_websocket_operation_reads_the_registration_as_it_is_now(
    api: Api, services: Services, server: Server
) -> None:
    token = await signed_in_user(api, services)
    phone = "{ me { phone1 } }"
    async with ws_client(server, token) as session:
        before = await session.execute(GraphQLRequest(phone))
        await execute_sql(services, "UPDATE operators SET phone1 = '043334455'")
        after = await session.execute(GraphQLRequest(phone))
    assert before != after == {"me": {"phone1": "043334455"}}
