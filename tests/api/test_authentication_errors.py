"""Authentication a single-page app can detect: a presented token that is not valid answers
UNAUTHENTICATED (HTTP 401 with RFC 6750's challenge when that is the only error); no token where
one is needed is UNAUTHENTICATED too, a signed-in caller without the right FORBIDDEN, and `me`
without any token stays null. Checked with the `gql` client as well as with plain HTTP."""

from __future__ import annotations

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from api.domain.vocabulary import Role
from api.services.container import Services
from api.services.partner_keys import create_partner_key
from tests.api.conftest import Api, Server, make_operator

ME = "{ me { userId } }"
OPERATOR = '{ operator(userId: "OTRO02") { userId } }'
STAFF_LIST = "{ deregistrationRequests(first: 5) { edges { node { id } } } }"


async def post(server: Server, query: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.url) as client:
        return await client.post("/graphql", json={"query": query}, headers=headers)


def codes(response: httpx.Response) -> set[str]:
    return {error["extensions"]["code"] for error in response.json().get("errors", [])}


async def test_me_without_a_token_is_null(server: Server) -> None:
    response = await post(server, ME)
    assert response.status_code == 200
    assert response.json() == {"data": {"me": None}}


@pytest.mark.parametrize("token", ["not-a-session", "pk_" + "x" * 43])
async def test_a_token_that_is_not_valid_answers_401_unauthenticated(
    server: Server, token: str
) -> None:
    response = await post(server, ME, token)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="ecuapass", error="invalid_token"'
    assert codes(response) == {"UNAUTHENTICATED"}
    assert response.json()["data"] == {"me": None}


async def test_a_signed_out_session_answers_401_unauthenticated(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services)
    token = await api.login("0912345675001", "USUARIO01")
    assert (await post(server, ME, token)).status_code == 200
    await api.data("mutation { logout { errors { code } } }", token=token)
    response = await post(server, ME, token)
    assert response.status_code == 401
    assert codes(response) == {"UNAUTHENTICATED"}


async def test_no_token_where_one_is_needed_is_unauthenticated_not_forbidden(
    server: Server,
) -> None:
    for query in (OPERATOR, STAFF_LIST):
        response = await post(server, query)
        assert response.status_code == 401, query
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="ecuapass"'
        assert codes(response) == {"UNAUTHENTICATED"}


async def test_a_signed_in_caller_without_the_right_is_forbidden(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services)
    await make_operator(
        services, user_id="OTRO02", identification="1704567898", email="o@correo.example"
    )
    token = await api.login("0912345675001", "USUARIO01")
    issued = await create_partner_key(
        services, name="Banco del Pacífico", scopes="events:read", created_by=None
    )
    for query, credential in ((OPERATOR, token), (STAFF_LIST, token), (STAFF_LIST, issued.key)):
        response = await post(server, query, credential)
        assert response.status_code == 200, query
        assert codes(response) == {"FORBIDDEN"}


async def test_an_error_beside_other_errors_keeps_http_200(
    api: Api, services: Services, server: Server
) -> None:
    await make_operator(services, role=Role.USER)
    token = await api.login("0912345675001", "USUARIO01")
    response = await post(
        server, "{ me { userId } deregistrationRequests(first: 1) { edges { cursor } } }", "expired"
    )
    assert response.status_code == 401  # both errors are UNAUTHENTICATED
    mixed = await post(server, f"{{ me {{ userId }} {OPERATOR[1:-1]} }}", token)
    assert mixed.status_code == 200
    assert codes(mixed) == {"FORBIDDEN"}


async def test_the_gql_client_sees_an_expired_session_as_unauthenticated(server: Server) -> None:
    transport = HTTPXAsyncTransport(
        url=f"{server.url}/graphql", headers={"Authorization": "Bearer caducado"}
    )
    async with Client(transport=transport) as session:
        with pytest.raises(TransportQueryError) as refused:
            await session.execute(GraphQLRequest(ME))
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
