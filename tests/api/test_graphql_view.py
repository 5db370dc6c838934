"""The view's direct path for plain requests (api/graphql_http.py) answers exactly what
Strawberry's own view answers: the same status, headers and body for good requests, bad input,
and everything it hands back to Strawberry."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from api.app import create_app
from api.graphql_http import PARSED_QUERY_STRINGS, EcuapassGraphQL
from api.services.container import Services
from tests.api.conftest import PASSWORD, Environment, make_operator

ME = "{ me { userId name email version } }"
LOGIN = (
    'mutation($p: String!) { login(identification: "0912345675001", userId: "USUARIO01", '
    "password: $p) { token errors { code } } }"
)
JSON = {"content-type": "application/json"}
# What differs between two answers by design: the request id, and the date a server adds.
UNCOMPARED = frozenset({"x-request-id", "date"})

Request = tuple[str, dict[str, Any], dict[str, str], bytes | None]
"""Method, query-string parameters, headers, body."""


def get(params: dict[str, Any], **headers: str) -> Request:
    return ("GET", params, headers, None)


def post(body: object, content_type: str = "application/json") -> Request:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return ("POST", {}, {"content-type": content_type}, raw)


REQUESTS: dict[str, Request] = {
    "get-me": get({"query": ME}),
    "get-catalog": get({"query": "{ provinces { code name } }"}),
    "get-catalog-english": get(
        {"query": "{ provinces { code name } }"}, **{"accept-language": "en"}
    ),
    "get-with-variables": get(
        {
            "query": "query($c: String!) { cities(provinceCode: $c) { code } }",
            "variables": '{"c": "09"}',
        }
    ),
    "get-mutation": get({"query": "mutation { logout { ok } }"}),
    "get-variables-not-json": get({"query": ME, "variables": "{nope"}),
    "get-variables-a-list": get({"query": ME, "variables": "[1]"}),
    "get-extensions-a-list": get({"query": ME, "extensions": "[]"}),
    "get-unknown-persisted-query": get(
        {"extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": "a" * 64}})}
    ),
    "get-ide": get({}, accept="text/html"),
    "get-nothing": get({}, accept="application/json"),
    "get-unparsable": get({"query": "{ me {"}),
    "post-me": post({"query": ME}),
    "post-charset": post({"query": ME}, "application/json; charset=utf-8"),
    "post-upper-case-type": post({"query": ME}, "Application/JSON"),
    "post-operation-name": post(
        {"query": "query A { me { userId } } query B { me { name } }", "operationName": "B"}
    ),
    "post-unknown-operation-name": post(
        {"query": "query A { me { userId } }", "operationName": "Z"}
    ),
    "post-two-operations-unnamed": post(
        {"query": "query A { me { userId } } query B { me { name } }"}
    ),
    "post-query-a-number": post({"query": 1}),
    "post-variables-a-string": post({"query": ME, "variables": "x"}),
    "post-extensions-a-list": post({"query": ME, "extensions": []}),
    "post-no-query": post({}),
    "post-not-json": post(b"{nope"),
    "post-a-string": post("just text"),
    "post-batch": post([{"query": ME}, {"query": ME}]),
    "post-text-plain": post({"query": ME}, "text/plain"),
    "post-form": post(b"query=%7B+me+%7B+userId+%7D+%7D", "application/x-www-form-urlencoded"),
    # Not compared: a subscription over HTTP, which the direct path refuses on purpose with
    # SUBSCRIPTION_NEEDS_WEBSOCKET (tests/api/test_request_errors.py).
    "post-invalid-field": post({"query": "{ nope }"}),
    "head": ("HEAD", {"query": ME}, {}, None),
}


@pytest.fixture
async def apps(
    environment: Environment, services: Services
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """The application twice: with the direct path, and with every request through Strawberry."""
    direct = create_app(environment.settings())
    strawberry_only = create_app(environment.settings())
    view_of(strawberry_only).direct_path = False
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=direct), base_url="http://t") as a,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=strawberry_only), base_url="http://t"
        ) as b,
    ):
        yield a, b


def view_of(app: Starlette) -> EcuapassGraphQL:
    for route in app.routes:
        if isinstance(route, Route) and route.path == "/graphql":
            assert isinstance(route.endpoint, EcuapassGraphQL)
            return route.endpoint
    raise AssertionError("no /graphql route")


async def answer(
    client: httpx.AsyncClient, request: Request, token: str
) -> tuple[int, dict[str, str], bytes]:
    method, params, headers, body = request
    response = await client.request(
        method,
        "/graphql",
        params=params,
        headers={"authorization": f"Bearer {token}", **headers},
        content=body,
    )
    kept = {name: value for name, value in response.headers.items() if name not in UNCOMPARED}
    return response.status_code, kept, response.content


@pytest.mark.parametrize("name", list(REQUESTS))
async def test_the_direct_path_answers_what_strawberry_answers(
    apps: tuple[httpx.AsyncClient, httpx.AsyncClient], services: Services, name: str
) -> None:
    direct, strawberry_only = apps
    await make_operator(services)
    login = await direct.post("/graphql", json={"query": LOGIN, "variables": {"p": PASSWORD}})
    token = login.json()["data"]["login"]["token"]

    expected = await answer(strawberry_only, REQUESTS[name], token)
    got = await answer(direct, REQUESTS[name], token)

    assert got == expected


async def test_the_direct_path_is_taken_for_plain_requests_only(
    environment: Environment,
) -> None:
    view = view_of(create_app(environment.settings()))
    taken: list[str] = []
    run_plain = view.run_plain

    async def recording(request: Any, operation: Any) -> Any:
        taken.append(request.method)
        return await run_plain(request, operation)

    view.run_plain = recording  # type: ignore[method-assign]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=view), base_url="http://t"
    ) as client:
        await client.get("/graphql", params={"query": "{ __typename }"})
        await client.post("/graphql", json={"query": "{ __typename }"})
        await client.post("/graphql", json=[{"query": "{ __typename }"}])
        await client.get("/graphql", headers={"accept": "text/html"})
        await client.post("/graphql", content=b"{}", headers={"content-type": "text/plain"})

    assert taken == ["GET", "POST"]


async def test_a_get_query_string_without_variables_is_parsed_once(
    environment: Environment,
) -> None:
    view = view_of(create_app(environment.settings()))
    plain = {"query": "{ __typename }", "operationName": None}
    with_variables = {"query": "query($c: String!) { cities(provinceCode: $c) { code } }"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=view), base_url="http://t"
    ) as client:
        first = await client.get("/graphql", params={"query": plain["query"]})
        again = await client.get("/graphql", params={"query": plain["query"]})
        varied = await client.get("/graphql", params={**with_variables, "variables": '{"c": "09"}'})

    assert first.json() == again.json() == {"data": {"__typename": "Query"}}
    assert varied.json()["data"]["cities"]
    kept = PARSED_QUERY_STRINGS.get(b"query=%7B+__typename+%7D")
    assert kept is not None
    assert (kept.query, kept.variables, kept.extensions) == (plain["query"], None, None)
    assert not any(b"variables" in raw for raw in PARSED_QUERY_STRINGS._entries), (
        "a query string with variables is parsed every time"
    )
