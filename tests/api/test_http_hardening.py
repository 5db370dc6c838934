"""Refusals at the HTTP layer, on real `serve` processes: oversized bodies, cross-origin callers,
forged client addresses, mutations over GET and cross-site form posts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
import websockets
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from api.http_guards import client_address
from api.services.container import Services
from api.settings import Settings
from tests.api.conftest import (
    Environment,
    Server,
    count_rows,
    make_operator,
    start_server,
    stop_server,
)

LIMIT = 1_048_576
PORTAL = "https://portal.aduana.gob.ec"
LOGIN = """mutation($i: String!, $u: String!, $p: String!) {
  login(identification: $i, userId: $u, password: $p) { token errors { code retryAfterSeconds } }
}"""
ADDRESS_LIMIT = 3


async def sign_in_traces(environment: Environment) -> list[str]:
    """The Redis keys a sign-in writes: failure counters (`rate:`) and sessions. (The event
    stream is left out: the relay writes it for the operators the tests create.)"""
    client = aioredis.Redis.from_url(environment.redis_url, decode_responses=True)
    prefix = environment.redis_prefix
    try:
        return [
            key
            for pattern in (f"{prefix}rate:*", f"{prefix}session*", f"{prefix}user-sessions:*")
            async for key in client.scan_iter(match=pattern)
        ]
    finally:
        await client.aclose()


def padded_body(payload: dict[str, Any], size: int) -> bytes:
    """`payload` as JSON of exactly `size` bytes (an extra key carries the padding)."""
    empty = json.dumps({**payload, "padding": ""}).encode()
    return json.dumps({**payload, "padding": "x" * (size - len(empty))}).encode()


@pytest.fixture
async def http(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        yield client


# --- body size -------------------------------------------------------------------------------


async def test_a_body_one_byte_over_1_mb_is_refused_with_413_and_nothing_happens(
    http: httpx.AsyncClient, services: Services, environment: Environment
) -> None:
    await make_operator(services)
    # A failed sign-in would write rate-limit keys: the refused one must write nothing.
    login = {"query": LOGIN, "variables": {"i": "0912345675001", "u": "USUARIO01", "p": "mala"}}
    body = padded_body(login, LIMIT + 1)
    assert len(body) == LIMIT + 1
    response = await http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert error["message"] == (
        f"El cuerpo de la solicitud es demasiado grande: admite hasta {LIMIT} bytes."
    )
    english = await http.post(
        "/graphql",
        content=body,
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
    )
    assert english.json()["errors"][0]["message"] == (
        f"The request body is too large: at most {LIMIT} bytes."
    )
    assert await sign_in_traces(environment) == []
    assert await count_rows(services, "operators") == 1
    # The same sign-in, not padded, does leave its trace: the check above can see one.
    answered = await http.post("/graphql", json=login)
    assert answered.json()["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert await sign_in_traces(environment) != []


async def test_a_chunked_body_over_the_limit_is_refused_as_it_arrives(
    http: httpx.AsyncClient, environment: Environment
) -> None:
    login = {"query": LOGIN, "variables": {"i": "0912345675001", "u": "USUARIO01", "p": "mala"}}
    body = padded_body(login, LIMIT + 1)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked transfer
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    response = await http.post(
        "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert await sign_in_traces(environment) == []


async def test_a_body_of_exactly_1_mb_is_served(http: httpx.AsyncClient) -> None:
    body = padded_body({"query": "{ mobileCarriers { code } }"}, LIMIT)
    response = await http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["data"]["mobileCarriers"]


# --- CORS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cors_server(
    environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    started = start_server(
        environment.variables(CORS_ORIGINS=f"{PORTAL}, http://localhost:5173"),
        tmp_path_factory.mktemp("cors") / "api.log",
    )
    yield started
    stop_server(started)


async def preflight(
    server: Server, origin: str, headers: str = "authorization, content-type"
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url) as client:
        return await client.options(
            "/graphql",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": headers,
            },
        )


# What Apollo Client (client awareness, CSRF prevention), OpenTelemetry's browser instrumentation
# (W3C trace context, baggage) and our own clients send.
REAL_CLIENT_HEADERS = (
    "authorization, content-type, accept-language, x-request-id, traceparent, tracestate, "
    "baggage, apollographql-client-name, apollographql-client-version, apollo-require-preflight"
)


async def test_a_preflight_allows_the_headers_real_clients_send(cors_server: Server) -> None:
    response = await preflight(cors_server, PORTAL, REAL_CLIENT_HEADERS)
    assert response.status_code == 200, response.text
    allowed = {
        h.strip() for h in response.headers["Access-Control-Allow-Headers"].lower().split(",")
    }
    assert {h.strip() for h in REAL_CLIENT_HEADERS.split(",")} <= allowed


async def test_a_cors_preflight_from_a_configured_origin_is_allowed(cors_server: Server) -> None:
    response = await preflight(cors_server, PORTAL)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed_headers = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers


async def test_a_cors_preflight_from_any_other_origin_is_refused(cors_server: Server) -> None:
    response = await preflight(cors_server, "https://evil.example")
    assert response.status_code == 400
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_a_cross_origin_answer_is_readable_only_by_configured_origins(
    cors_server: Server,
) -> None:
    async with httpx.AsyncClient(base_url=cors_server.url) as client:
        query = {"query": "{ mobileCarriers { code } }"}
        allowed = await client.post("/graphql", json=query, headers={"Origin": PORTAL})
        other = await client.post(
            "/graphql", json=query, headers={"Origin": "https://evil.example"}
        )
    assert allowed.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "X-Request-ID" in allowed.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in other.headers


async def test_without_cors_origins_no_origin_is_allowed(server: Server) -> None:
    response = await preflight(server, PORTAL)
    assert response.status_code != 200
    assert "Access-Control-Allow-Origin" not in response.headers


async def open_websocket(server: Server, origin: str) -> None:
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        origin=Origin(origin),
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"


async def test_a_websocket_opens_from_a_configured_origin_only(cors_server: Server) -> None:
    await open_websocket(cors_server, PORTAL)
    with pytest.raises(InvalidStatus) as refused:
        await open_websocket(cors_server, "https://evil.example")
    assert refused.value.response.status_code == 403


# --- client address --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def behind_proxy(
    environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server that believes X-Forwarded-For from 127.0.0.1 (the tests play the proxy)."""
    started = start_server(
        environment.variables(
            TRUSTED_PROXIES="127.0.0.1", LOGIN_MAX_FAILURES_PER_ADDRESS=str(ADDRESS_LIMIT)
        ),
        tmp_path_factory.mktemp("proxy") / "api.log",
    )
    yield started
    stop_server(started)


@pytest.fixture(scope="module")
def not_behind_proxy(
    environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    started = start_server(
        environment.variables(LOGIN_MAX_FAILURES_PER_ADDRESS=str(ADDRESS_LIMIT)),
        tmp_path_factory.mktemp("no-proxy") / "api.log",
    )
    yield started
    stop_server(started)


async def failed_sign_in(server: Server, *, user_id: str, forwarded_for: str) -> str:
    """A wrong password for `user_id` sent through a proxy claiming `forwarded_for`; returns the
    error code."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        response = await client.post(
            "/graphql",
            json={"query": LOGIN, "variables": {"i": "0912345675001", "u": user_id, "p": "mala"}},
            headers={"X-Forwarded-For": forwarded_for},
        )
    code: str = response.json()["data"]["login"]["errors"][0]["code"]
    return code


async def test_x_forwarded_for_from_a_trusted_proxy_is_the_throttled_address(
    behind_proxy: Server,
) -> None:
    # Different user IDs: the per-account limit stays out of the way.
    for attempt in range(ADDRESS_LIMIT):
        code = await failed_sign_in(
            behind_proxy, user_id=f"NADIE{attempt}", forwarded_for="10.0.0.1"
        )
        assert code == "INVALID_CREDENTIALS"
    assert await failed_sign_in(behind_proxy, user_id="NADIE9", forwarded_for="10.0.0.1") == (
        "RATE_LIMITED"
    )
    assert await failed_sign_in(behind_proxy, user_id="NADIE9", forwarded_for="10.0.0.2") == (
        "INVALID_CREDENTIALS"
    )


async def test_a_client_cannot_escape_the_throttle_by_prepending_forged_addresses(
    behind_proxy: Server,
) -> None:
    """The proxy appends the real peer: only the right-most untrusted address counts."""
    for attempt in range(ADDRESS_LIMIT):
        forged = f"192.0.2.{attempt}, 10.0.0.7"
        await failed_sign_in(behind_proxy, user_id=f"NADIE{attempt}", forwarded_for=forged)
    assert await failed_sign_in(
        behind_proxy, user_id="NADIE9", forwarded_for="198.51.100.1, 10.0.0.7"
    ) == ("RATE_LIMITED")


async def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(
    not_behind_proxy: Server,
) -> None:
    for attempt in range(ADDRESS_LIMIT):
        await failed_sign_in(not_behind_proxy, user_id=f"NADIE{attempt}", forwarded_for="10.0.0.1")
    # The address counted is the peer's (127.0.0.1), whatever the header claims.
    assert await failed_sign_in(not_behind_proxy, user_id="NADIE9", forwarded_for="10.0.0.2") == (
        "RATE_LIMITED"
    )


TRUSTED = (ip_network("127.0.0.1/32"), ip_network("10.1.0.0/16"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", ["10.0.0.1"], "203.0.113.9"),  # peer not trusted: header ignored
        ("127.0.0.1", ["10.0.0.1"], "10.0.0.1"),
        ("127.0.0.1", ["6.6.6.6, 10.0.0.1"], "10.0.0.1"),  # forged left part ignored
        ("127.0.0.1", ["10.0.0.1, 10.1.2.3"], "10.0.0.1"),  # a chain of trusted proxies
        ("127.0.0.1", ["6.6.6.6", "10.0.0.1"], "10.0.0.1"),  # several headers, one list
        ("127.0.0.1", [], "127.0.0.1"),
        ("127.0.0.1", ["10.1.2.3"], "10.1.2.3"),  # only trusted hops: the left-most
        ("127.0.0.1", ["not-an-ip"], "127.0.0.1"),  # garbage: the peer
        ("127.0.0.1", ["2001:DB8::1"], "2001:db8::1"),
        (None, ["10.0.0.1"], "unknown"),
    ],
)
def test_the_client_address_is_the_right_most_hop_that_is_not_a_trusted_proxy(
    peer: str | None, forwarded: list[str], expected: str
) -> None:
    assert client_address(peer=peer, forwarded_for=forwarded, trusted=TRUSTED) == expected


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert client_address(peer="127.0.0.1", forwarded_for=["10.0.0.1"], trusted=()) == "127.0.0.1"


def test_proxy_and_origin_settings_are_parsed_and_checked() -> None:
    settings = Settings(
        trusted_proxies="127.0.0.1, 10.0.0.0/8, ::1",
        cors_origins=f"{PORTAL}/, http://localhost:5173",
    )
    assert [str(network) for network in settings.trusted_proxies] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
    ]
    assert settings.cors_origins == (PORTAL, "http://localhost:5173")
    with pytest.raises(ValueError, match="origin"):
        Settings(cors_origins="portal.aduana.gob.ec/path")
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6"):
        Settings(trusted_proxies="proxy.internal")


# --- methods and content types ---------------------------------------------------------------


async def test_a_mutation_over_get_is_refused_and_not_run(
    http: httpx.AsyncClient, services: Services, environment: Environment
) -> None:
    await make_operator(services)
    response = await http.get(
        "/graphql",
        params={
            "query": LOGIN,
            "variables": json.dumps({"i": "0912345675001", "u": "USUARIO01", "p": "mala"}),
        },
    )
    assert response.status_code in {400, 405}
    assert await sign_in_traces(environment) == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", json.dumps({"query": "{ mobileCarriers { code } }"})),
        ("application/x-www-form-urlencoded", "query=%7B+mobileCarriers+%7B+code+%7D+%7D"),
        (
            "multipart/form-data; boundary=x",
            '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ mobileCarriers { code } }\r\n--x--\r\n',
        ),
    ],
    ids=["text-plain", "form", "multipart"],
)
async def test_a_post_that_is_not_json_is_refused(
    http: httpx.AsyncClient, content_type: str, body: str
) -> None:
    """A page on another site can post these without a CORS preflight: they never run."""
    response = await http.post("/graphql", content=body, headers={"Content-Type": content_type})
    assert response.status_code in {400, 415}
    assert "mobileCarriers" not in response.text


async def test_a_json_post_without_a_preflighted_content_type_is_refused(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post(
        "/graphql", content=json.dumps({"query": "{ mobileCarriers { code } }"})
    )
    assert response.status_code in {400, 415}


def test_server_settings_default_to_no_origin_and_no_trusted_proxy(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.cors_origins == ()
    assert settings.trusted_proxies == ()
    assert settings.max_request_body_bytes == LIMIT


# --- request budget --------------------------------------------------------------------------

BUDGET = 5
# Anonymous, so answered null: executed and counted every time.
COUNTED = "{ me { userId } }"


@pytest.fixture(scope="module")
def budgeted(
    environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A small budget, behind a trusted proxy so that each test can be its own client address."""
    started = start_server(
        environment.variables(TRUSTED_PROXIES="127.0.0.1", REQUEST_BUDGET_PER_MINUTE=str(BUDGET)),
        tmp_path_factory.mktemp("budget") / "api.log",
    )
    yield started
    stop_server(started)


async def counted_call(server: Server, client: str, language: str = "es") -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        return await http.post(
            "/graphql",
            json={"query": COUNTED},
            headers={"X-Forwarded-For": client, "Accept-Language": language},
        )


@pytest.mark.usefixtures("clear_of_a_new_minute")
async def test_a_client_over_its_budget_gets_429_with_the_seconds_to_wait(
    budgeted: Server,
) -> None:
    for _ in range(BUDGET):
        assert (await counted_call(budgeted, "10.1.0.1")).status_code == 200
    refused = await counted_call(budgeted, "10.1.0.1")
    assert refused.status_code == 429
    wait = int(refused.headers["retry-after"])
    assert 1 <= wait <= 60
    error = refused.json()["errors"][0]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfterSeconds": wait}
    seconds = "1 segundo" if wait == 1 else f"{wait} segundos"
    assert error["message"] == (
        f"Ha realizado demasiadas solicitudes en poco tiempo. Intente nuevamente en {seconds}."
    )
    english = await counted_call(budgeted, "10.1.0.1", language="en")
    assert english.json()["errors"][0]["message"].startswith("Too many requests")


@pytest.mark.usefixtures("clear_of_a_new_minute")
async def test_the_budget_is_per_client_and_probes_do_not_spend_it(budgeted: Server) -> None:
    for _ in range(BUDGET + 1):
        await counted_call(budgeted, "10.2.0.1")
    assert (await counted_call(budgeted, "10.2.0.1")).status_code == 429
    assert (await counted_call(budgeted, "10.2.0.2")).status_code == 200
    async with httpx.AsyncClient(base_url=budgeted.url, timeout=30) as http:
        for _ in range(BUDGET + 1):
            headers = {"X-Forwarded-For": "10.2.0.3"}
            assert (await http.get("/healthz", headers=headers)).status_code == 200
    assert (await counted_call(budgeted, "10.2.0.3")).status_code == 200


@pytest.mark.usefixtures("clear_of_a_new_minute")
async def test_a_websocket_over_the_budget_is_refused_at_the_handshake(budgeted: Server) -> None:
    for _ in range(BUDGET):
        await counted_call(budgeted, "10.3.0.1")
    url = budgeted.url.replace("http://", "ws://") + "/graphql"
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(
            url,
            subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
            additional_headers={"X-Forwarded-For": "10.3.0.1"},
        ):
            pass
    assert refused.value.response.status_code == 403


# --- slow clients -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def impatient_server(
    environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    started = start_server(
        environment.variables(REQUEST_BODY_TIMEOUT_SECONDS="1", MAX_CONCURRENT_CONNECTIONS="20"),
        tmp_path_factory.mktemp("impatient") / "api.log",
    )
    yield started
    stop_server(started)


async def test_a_body_sent_slower_than_the_bound_is_cut_with_408(impatient_server: Server) -> None:
    host, port = impatient_server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n"
            b"Accept-Language: es-EC\r\n"
            b'Content-Length: 200\r\n\r\n{"query": '
        )
        await writer.drain()
        # The answer closes the connection; its body may come in a packet after the head.
        answer = await asyncio.wait_for(reader.read(), timeout=5)
    finally:
        writer.close()
    assert answer.startswith(b"HTTP/1.1 408")
    assert "El cuerpo de la solicitud no llegó a tiempo." in answer.decode()


async def test_connections_beyond_the_cap_are_refused_not_held(impatient_server: Server) -> None:
    host, port = impatient_server.url.removeprefix("http://").split(":")
    idle = [await asyncio.open_connection(host, int(port)) for _ in range(25)]
    try:
        # Requests beyond the cap get 503 at once instead of joining an unbounded queue.
        async with httpx.AsyncClient(base_url=impatient_server.url, timeout=5) as client:
            statuses = {(await client.get("/healthz")).status_code for _ in range(3)}
        assert statuses == {503}
    finally:
        for _, writer in idle:
            writer.close()
    await asyncio.sleep(0.5)
    async with httpx.AsyncClient(base_url=impatient_server.url, timeout=5) as client:
        assert (await client.get("/healthz")).status_code == 200
