"""Request-level errors carry the codes clients act on (Apollo Server's names), in development
and in production alike: they are the client's mistakes, not internal errors."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import Environment, Server, start_server, stop_server

CASES = [
    ("parse", {"query": "{ me { userId "}, "GRAPHQL_PARSE_FAILED"),
    ("unknown field", {"query": "{ me { nombre } }"}, "GRAPHQL_VALIDATION_FAILED"),
    (
        "too deep",
        {
            "query": "{ provinces { cities { province { cities { province { cities { province "
            "{ cities { province { cities { code } } } } } } } } } } }"
        },
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "too many aliases",
        {"query": "{ " + " ".join(f"a{n}: mobileCarriers {{ code }}" for n in range(40)) + " }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "missing variable",
        {"query": "query($p: String!) { cities(provinceCode: $p) { code } }"},
        "BAD_USER_INPUT",
    ),
    (
        "variable of the wrong type",
        {
            "query": "query($p: String!) { cities(provinceCode: $p) { code } }",
            "variables": {"p": {"no": "texto"}},
        },
        "BAD_USER_INPUT",
    ),
]


@pytest.fixture(scope="module", params=["development", "production"])
def any_server(
    request: pytest.FixtureRequest,
    environment: Environment,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    variables = environment.variables(
        ENVIRONMENT=request.param,
        SECRET_KEY=secrets.token_urlsafe(32),
        METRICS_TOKEN="t",
    )
    started = start_server(variables, tmp_path_factory.mktemp(request.param) / "api.log")
    yield started
    stop_server(started)


@pytest.mark.parametrize(("case", "body", "code"), CASES, ids=[c[0] for c in CASES])
def test_a_clients_mistake_answers_a_readable_coded_error(
    any_server: Server, case: str, body: dict[str, Any], code: str
) -> None:
    answer = httpx.post(f"{any_server.url}/graphql", json=body).json()
    errors = answer["errors"]
    assert {error["extensions"]["code"] for error in errors} == {code}, answer
    assert all(error["message"] != "Error inesperado." for error in errors), answer


def test_a_subscription_over_http_is_refused_with_a_code_that_says_to_use_websocket(
    server: Server,
) -> None:
    query = "subscription { operatorEvents { id } }"
    for response in (
        httpx.post(f"{server.url}/graphql", json={"query": query}),
        httpx.post(
            f"{server.url}/graphql",
            json={"query": query},
            headers={"Accept": "multipart/mixed;subscriptionSpec=1.0, application/json"},
        ),
        httpx.get(f"{server.url}/graphql", params={"query": query}),
    ):
        assert response.status_code == 400
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "SUBSCRIPTION_NEEDS_WEBSOCKET"
        assert "WebSocket" in error["message"]


def test_every_answer_says_how_it_may_be_cached(server: Server) -> None:
    for response in (
        httpx.post(
            f"{server.url}/graphql", content=b"{", headers={"Content-Type": "application/json"}
        ),
        httpx.post(f"{server.url}/graphql", json={"query": "{ me { userId "}),
        httpx.post(
            f"{server.url}/graphql",
            json={"query": "{ me { userId } }"},
            headers={"Authorization": "Bearer x"},
        ),
        httpx.put(f"{server.url}/graphql", json={}),
        httpx.get(f"{server.url}/no-such-page"),
        httpx.get(f"{server.url}/healthz"),
    ):
        assert "cache-control" in response.headers, (response.status_code, response.text)
