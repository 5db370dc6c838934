"""Sign-in, sessions and sign-out through the GraphQL endpoint (SPEC §3, foundation issue)."""

from __future__ import annotations

import statistics
import time

import pytest
import redis.asyncio as aioredis
from sqlalchemy import text

from api.domain.errors import DomainError
from api.domain.messages import wait_phrase
from api.domain.vocabulary import Locale
from api.persistence.sessions import hash_token
from api.services import auth
from api.services.container import Services, build_services
from tests.api.conftest import PASSWORD, Api, Environment, make_operator

ME = "query { me { userId name email senaeEmail status version identification { type number } registrationType { code name } country { code name } province { code name } city { code name } } }"
LOGIN = """mutation($i: String!, $u: String!, $p: String!) {
  login(identification: $i, userId: $u, password: $p) {
    token expiresInSeconds operator { userId } errors { field code message retryAfterSeconds }
  }
}"""


async def test_login_returns_a_token_that_me_accepts(api: Api, services: Services) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "usuario01")  # the user ID is case-insensitive
    me = (await api.data(ME, token=token))["me"]
    assert me["userId"] == "USUARIO01"
    assert me["senaeEmail"] == "usuario01@correo.aduana.gob.ec"
    assert me["identification"] == {"type": "RUC", "number": "0912345675001"}
    assert me["registrationType"] == {"code": "GENERAL_USER", "name": "Usuario General"}
    assert me["country"] == {"code": "EC", "name": "Ecuador"}
    assert me["province"]["name"] == "Guayas"
    assert me["city"] == {"code": "0901", "name": "Guayaquil"}
    assert me["status"] == "ACTIVE"
    assert me["version"] == 1


async def test_me_is_null_without_a_token_and_unauthenticated_with_a_bad_one(
    api: Api, services: Services
) -> None:
    await make_operator(services)
    assert (await api.data(ME))["me"] is None
    refused = await api.post(ME, token="not-a-real-token")
    assert refused["data"]["me"] is None
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("identification", "user_id", "password"),
    [
        ("0912345675001", "USUARIO01", "wrong-password-123"),
        ("1790123456001", "USUARIO01", PASSWORD),
        ("0912345675001", "NOBODY99", PASSWORD),
    ],
    ids=["wrong-password", "wrong-identification", "unknown-user-id"],
)
async def test_every_wrong_part_of_a_sign_in_gets_the_same_error(
    api: Api, services: Services, identification: str, user_id: str, password: str
) -> None:
    await make_operator(services)
    result = (await api.data(LOGIN, {"i": identification, "u": user_id, "p": password}))["login"]
    assert result["token"] is None
    assert result["operator"] is None
    assert result["errors"] == [
        {
            "field": None,
            "code": "INVALID_CREDENTIALS",
            "message": "La identificación, el ID. usuario o la contraseña no son correctos.",
            "retryAfterSeconds": None,
        }
    ]


async def test_an_unknown_user_id_costs_as_much_time_as_a_wrong_password(
    api: Api, services: Services
) -> None:
    """No timing oracle: an unknown user still pays for a password hash verification."""
    await make_operator(services)

    async def median_seconds(user_id: str) -> float:
        samples = []
        for _ in range(4):
            started = time.perf_counter()
            await api.data(LOGIN, {"i": "0912345675001", "u": user_id, "p": "wrong-password-123"})
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    wrong_password = await median_seconds("USUARIO01")
    unknown_user = await median_seconds("NOBODY99")
    # Without the dummy verification the unknown user would answer ~20x faster.
    assert unknown_user > wrong_password * 0.4


async def test_failed_sign_ins_are_throttled_per_account(api: Api, services: Services) -> None:
    await make_operator(services)
    wrong = {"i": "0912345675001", "u": "USUARIO01", "p": "wrong-password-123"}
    for _ in range(5):
        errors = (await api.data(LOGIN, wrong))["login"]["errors"]
        assert errors[0]["code"] == "INVALID_CREDENTIALS"
    # Even the right password is refused while the account is throttled.
    right = {**wrong, "p": PASSWORD}
    errors = (await api.data(LOGIN, right))["login"]["errors"]
    assert errors[0]["code"] == "RATE_LIMITED"
    assert 0 < errors[0]["retryAfterSeconds"] <= 900
    assert wait_phrase(errors[0]["retryAfterSeconds"], Locale.ES) in errors[0]["message"]


async def test_failed_sign_ins_are_throttled_per_client_address(
    services: Services, environment: Environment
) -> None:
    await make_operator(services)
    await make_operator(
        services, user_id="OTRO02", identification="1704567898", email="otro@correo.example"
    )
    limited = build_services(environment.settings(login_max_failures_per_address=3))
    try:
        for user_id in ("USUARIO01", "OTRO02", "NOBODY"):
            with pytest.raises(DomainError) as refused:
                await auth.login(
                    limited,
                    identification="x",
                    user_id=user_id,
                    password="bad",
                    client_address="10.0.0.9",
                )
            assert refused.value.errors[0].code.value == "INVALID_CREDENTIALS"
        with pytest.raises(DomainError) as refused:
            await auth.login(
                limited,
                identification="1704567898",
                user_id="OTRO02",
                password=PASSWORD,
                client_address="10.0.0.9",
            )
        assert refused.value.errors[0].code.value == "RATE_LIMITED"
        # Another address is not held back.
        result = await auth.login(
            limited,
            identification="1704567898",
            user_id="OTRO02",
            password=PASSWORD,
            client_address="10.0.0.10",
        )
        assert result.token
    finally:
        await limited.close()


async def test_logout_revokes_the_token(api: Api, services: Services) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    result = (await api.data("mutation { logout { message errors { code } } }", token=token))[
        "logout"
    ]
    assert result == {"message": "Su sesión se ha cerrado.", "errors": []}
    after = await api.post(ME, token=token)
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_logout_without_a_session_is_refused_in_the_payload(api: Api) -> None:
    result = (await api.data("mutation { logout { message errors { field code message } } }"))[
        "logout"
    ]
    assert result["message"] is None
    assert result["errors"] == [
        {
            "field": None,
            "code": "UNAUTHENTICATED",
            "message": "Inicie sesión para realizar esta operación.",
        }
    ]


async def test_a_disabled_operator_cannot_sign_in(api: Api, services: Services) -> None:
    await make_operator(services)
    async with services.transaction() as session:
        await session.exec(text("UPDATE operators SET status = 'DISABLED'"))  # type: ignore[call-overload]
    result = (await api.data(LOGIN, {"i": "0912345675001", "u": "USUARIO01", "p": PASSWORD}))[
        "login"
    ]
    assert result["token"] is None
    assert result["errors"][0]["code"] == "ACCOUNT_DISABLED"
    assert result["errors"][0]["message"] == (
        "Su ID. usuario está inhabilitado: comuníquese con el SENAE."
    )


async def test_a_deregistered_operator_is_told_to_register_again_only_after_the_right_password(
    api: Api, services: Services
) -> None:
    await make_operator(services)
    async with services.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            text("UPDATE operators SET status = 'DISABLED', deregistered_at = now()")
        )
    right = {"i": "0912345675001", "u": "USUARIO01", "p": PASSWORD}

    spanish = (await api.data(LOGIN, right))["login"]
    english = (await api.data(LOGIN, right, headers={"Accept-Language": "en"}))["login"]
    guessed = (await api.data(LOGIN, {**right, "p": "wrong-password-123"}))["login"]

    assert spanish["token"] is None
    assert [(e["code"], e["message"]) for e in spanish["errors"]] == [
        (
            "ACCOUNT_DISABLED",
            "Su ID. usuario está inhabilitado: fue dado de baja a su solicitud y no puede "
            "habilitarse de nuevo; para volver a usar Ecuapass, regístrese nuevamente.",
        )
    ]
    assert [(e["code"], e["message"]) for e in english["errors"]] == [
        (
            "ACCOUNT_DISABLED",
            "Your user ID is disabled: it was deregistered at your request and cannot be enabled "
            "again; to use Ecuapass again, register anew.",
        )
    ]
    # A wrong password learns nothing of the deregistration.
    assert [e["code"] for e in guessed["errors"]] == ["INVALID_CREDENTIALS"]


async def test_each_use_of_a_token_renews_its_expiry(
    api: Api, services: Services, environment: Environment
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    key = services.keys.session(hash_token(token))
    client = aioredis.Redis.from_url(environment.redis_url)
    try:
        await client.expire(key, 5)
        await api.data(ME, token=token)
        assert await client.ttl(key) > 1700
    finally:
        await client.aclose()


async def test_tokens_are_stored_only_as_hashes(
    api: Api, services: Services, environment: Environment
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    client = aioredis.Redis.from_url(environment.redis_url, decode_responses=True)
    try:
        keys = [k async for k in client.scan_iter(match=f"{environment.redis_prefix}*")]
        values = [await client.get(k) for k in keys if await client.type(k) == "string"]
    finally:
        await client.aclose()
    assert keys
    assert not any(token in k for k in keys)
    assert not any(v and token in v for v in values)


async def test_messages_are_in_english_with_accept_language_en(
    api: Api, services: Services
) -> None:
    await make_operator(services)
    result = (
        await api.data(
            LOGIN,
            {"i": "0912345675001", "u": "USUARIO01", "p": "nope-nope-nope"},
            headers={"Accept-Language": "en-US,en;q=0.9"},
        )
    )["login"]
    assert (
        result["errors"][0]["message"] == "The identification, user ID or password is not correct."
    )


async def test_operator_query_is_refused_for_another_user(api: Api, services: Services) -> None:
    await make_operator(services)
    await make_operator(
        services, user_id="OTRO02", identification="1704567898", email="otro@correo.example"
    )
    token = await api.login("0912345675001", "USUARIO01")
    body = await api.post('query { operator(userId: "OTRO02") { userId } }', token=token)
    assert body["data"]["operator"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    own = await api.data('query { operator(userId: "usuario01") { userId } }', token=token)
    assert own["operator"]["userId"] == "USUARIO01"


async def test_signing_out_everywhere_reaches_every_live_session_and_the_index_stays_small(
    services: Services, environment: Environment
) -> None:
    operator = await make_operator(services)
    assert operator.id is not None
    tokens = [
        await services.sessions.create(
            operator_id=operator.id, user_id="USUARIO01", role="USER", epoch=0
        )
        for _ in range(22)
    ]
    client = aioredis.Redis.from_url(environment.redis_url)
    try:
        index = services.keys.user_sessions(operator.id)
        assert await client.ttl(index) == -1  # no expiry: a session kept alive by use stays listed
        for token in tokens[:10]:
            await client.delete(services.keys.session(hash_token(token)))
        await services.sessions.create(
            operator_id=operator.id, user_id="USUARIO01", role="USER", epoch=0
        )
        assert await client.scard(index) == 13  # the 10 expired ones were swept
        assert await services.sessions.revoke_all(operator.id) == 13
    finally:
        await client.aclose()
