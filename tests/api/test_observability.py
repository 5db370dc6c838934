"""What the operators of the service see, on real `serve` processes: request ids, JSON log lines
that carry them and never a secret, Prometheus metrics, and OpenTelemetry traces when asked for."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from websockets.asyncio.client import ClientConnection

from api.observability.tracing import configure_tracing, current_tracer
from api.services.container import Services
from api.services.partner_keys import create_partner_key
from api.settings import Settings
from tests.api.conftest import (
    PASSWORD,
    Environment,
    Server,
    SmtpSink,
    free_port,
    make_operator,
    start_server,
    stop_server,
)
from tests.api.test_modify import AVAILABILITY, MODIFY, REQUEST_CODE, code_from, form
from tests.support.metrics import metric

LOGOUT = "mutation { logout { errors { code } } }"
LOGIN = """mutation($i: String!, $u: String!, $p: String!) {
  login(identification: $i, userId: $u, password: $p) { token errors { code } }
}"""
ME = "{ me { userId } }"
NEW_PASSWORD = "Otra-Clave-Segura-88"
NEW_ADDRESS = "ana.nueva@correo.example"
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture(scope="module")
def observed(
    environment: Environment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server logging everything it would log in production, and more (DEBUG)."""
    started = start_server(
        environment.variables(LOG_LEVEL="debug", LOG_FORMAT="json"),
        tmp_path_factory.mktemp("observed") / "api.log",
    )
    yield started
    stop_server(started)


@pytest.fixture
async def client(observed: Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=observed.url, timeout=30) as http:
        yield http


def log_lines(server: Server) -> list[dict[str, Any]]:
    """Every line of the server's log, each parsed as JSON (a line that is not fails the test)."""
    lines = []
    for line in server.log().splitlines():
        if line.strip():
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                pytest.fail(f"not a JSON log line: {line!r}")
    return lines


async def eventually(check: Any, within: float = 5.0) -> Any:
    """Waits for a log line or an export that the server writes a moment after answering."""
    deadline = time.monotonic() + within
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.05)


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    # 401: an answer whose only errors are UNAUTHENTICATED.
    assert response.status_code in (200, 401), response.text
    body: dict[str, Any] = response.json()
    return body


# --- request ids ---------------------------------------------------------------------------


async def test_a_sane_request_id_from_the_caller_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.2027_01-15"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.2027_01-15"


@pytest.mark.parametrize(
    "sent",
    [None, "", "a" * 65, "with space", "quote\"'", "ñandú", "semi;colon"],
    ids=["missing", "empty", "too-long", "space", "quotes", "non-ascii", "semicolon"],
)
async def test_a_missing_or_unsafe_request_id_is_replaced_by_a_generated_one(
    client: httpx.AsyncClient, sent: str | None
) -> None:
    headers = {} if sent is None else {b"X-Request-ID": sent.encode("utf-8")}
    response = await client.post(
        "/graphql", json={"query": "{ countries { code } }"}, headers=headers
    )
    assert response.status_code == 200
    assert HEX_ID.match(response.headers["X-Request-ID"])


async def test_each_request_gets_its_own_generated_id(client: httpx.AsyncClient) -> None:
    ids = {(await client.get("/healthz")).headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


async def test_a_websocket_connection_gets_a_request_id_in_the_handshake_answer(
    observed: Server,
) -> None:
    url = observed.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"X-Request-ID": "ws-connection-1"},
    ) as ws:
        assert ws.response is not None
        assert ws.response.headers["X-Request-ID"] == "ws-connection-1"
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
    closed = await eventually(
        lambda: [
            line
            for line in log_lines(observed)
            if line["request_id"] == "ws-connection-1" and line["logger"] == "api.access"
        ]
    )
    assert closed, "the connection's access line carries its request id"


# --- log lines -----------------------------------------------------------------------------


async def test_every_log_line_is_json_with_time_level_logger_message_and_request_id(
    client: httpx.AsyncClient, observed: Server
) -> None:
    await client.get("/healthz")
    lines = log_lines(observed)
    assert lines
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id"} <= set(line), line


async def test_the_lines_of_a_request_carry_its_id_and_the_graphql_operation(
    client: httpx.AsyncClient, observed: Server
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ countries { code } }"},
        headers={"X-Request-ID": "req-catalogs-1"},
    )
    assert response.status_code == 200
    lines = await eventually(
        lambda: [line for line in log_lines(observed) if line["request_id"] == "req-catalogs-1"]
    )
    [access] = [line for line in lines if line["logger"] == "api.access"]
    assert access["method"] == "POST"
    assert access["path"] == "/graphql"
    assert access["status"] == 200
    assert access["graphql"] == "query countries"
    assert access["outcome"] == "ok"
    assert access["duration_ms"] >= 0


async def test_lines_written_inside_a_request_carry_its_id(
    environment: Environment, tmp_path: Path
) -> None:
    """A service-level warning (a dependency failing) is tied to the request that met it."""
    server = start_server(
        environment.variables(LOG_FORMAT="json", REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"),
        tmp_path / "api.log",
    )
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            response = await http.post(
                "/graphql",
                json={"query": ME},
                headers={"Authorization": "Bearer whatever", "X-Request-ID": "redis-down-1"},
            )
        assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        lines = await eventually(
            lambda: [
                line
                for line in log_lines(server)
                if line["request_id"] == "redis-down-1" and line["logger"] != "api.access"
            ]
        )
        assert any("unavailable" in line["message"] for line in lines), lines
    finally:
        stop_server(server)


async def test_a_full_flow_never_logs_a_token_password_security_code_or_partner_key(
    client: httpx.AsyncClient, observed: Server, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    issued = await create_partner_key(
        services, name="Banco del Pacífico", scopes="events:read", created_by=None
    )
    login = await graphql(client, LOGIN, {"i": "0912345675001", "u": "USUARIO01", "p": PASSWORD})
    token = login["data"]["login"]["token"]
    assert token
    checked = await graphql(client, AVAILABILITY, {"e": NEW_ADDRESS}, token)
    assert checked["data"]["checkEmailAvailability"]["available"] is True
    requested = await graphql(client, REQUEST_CODE, {"e": NEW_ADDRESS}, token)
    assert requested["data"]["requestSecurityCode"]["errors"] == []
    code = code_from(smtp.to(NEW_ADDRESS)[-1])
    change = form(
        keepSameEmail=False,
        email=NEW_ADDRESS,
        emailConfirmation=NEW_ADDRESS,
        securityCode=code,
        currentPassword=PASSWORD,
        newPassword=NEW_PASSWORD,
        newPasswordConfirmation=NEW_PASSWORD,
    )
    # Refused input makes graphql-core quote the variables it could not take: the code and the
    # passwords are in them.
    refused = await client.post(
        "/graphql",
        json={"query": MODIFY, "variables": {"input": {**change, "unknownField": 1}}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.json()["errors"]
    modified = await graphql(client, MODIFY, {"input": change}, token)
    assert modified["data"]["modify"]["errors"] == [], modified
    # Over a WebSocket: the token in connection_init, a password in a frame, a token in the
    # answer. Then a password in a GET query string, and the partner key as a bearer.
    url = observed.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        # The password first: a frame logged at DEBUG would show its first 75 characters.
        variables = {"p": NEW_PASSWORD, "i": "0912345675001", "u": "USUARIO01"}
        payload = {"variables": variables, "query": LOGIN}
        await ws.send(json.dumps({"payload": payload, "id": "1", "type": "subscribe"}))
        answer = json.loads(await ws.recv())
        ws_token = answer["payload"]["data"]["login"]["token"]
        assert ws_token
    await client.get(
        "/graphql",
        params={
            "query": "query($p: String) { countries { code } }",
            "variables": json.dumps({"p": NEW_PASSWORD}),
        },
    )
    await client.post(
        "/graphql",
        json={"query": "{ countries { code } }"},
        headers={"Authorization": f"Bearer {issued.key}"},
    )
    logged_out = await graphql(client, LOGOUT, token=token)
    assert logged_out["data"]["logout"]["errors"] == []

    await eventually(lambda: "mutation logout" in observed.log())
    log = observed.log()
    assert "mutation modify" in log  # the flow was logged, at DEBUG even
    for secret in (token, ws_token, PASSWORD, NEW_PASSWORD, code, issued.key):
        leaked = [part for part in fragments(secret) if part in log]
        assert not leaked, f"a part of a secret is in the log: {leaked}"


def fragments(secret: str, size: int = 10) -> set[str]:
    """Every run of `size` characters of a secret: a log that elides the middle of a long value
    still leaks its beginning and its end."""
    size = min(size, len(secret))
    return {secret[start : start + size] for start in range(len(secret) - size + 1)}


# --- metrics -------------------------------------------------------------------------------


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_metrics_count_operations_by_outcome_codes_sent_and_sign_in_failures(
    client: httpx.AsyncClient, services: Services, smtp: SmtpSink
) -> None:
    await make_operator(services)
    before = await scrape(client)
    wrong = await graphql(client, LOGIN, {"i": "0912345675001", "u": "USUARIO01", "p": "mala"})
    assert wrong["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    right = await graphql(client, LOGIN, {"i": "0912345675001", "u": "USUARIO01", "p": PASSWORD})
    token = right["data"]["login"]["token"]
    sent = await graphql(client, REQUEST_CODE, {"e": "ana.gonzalez@correo.example"}, token)
    assert sent["data"]["requestSecurityCode"]["errors"] == []
    anonymous = await graphql(client, '{ operator(userId: "USUARIO01") { userId } }')
    assert anonymous["errors"]
    after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return metric(after, name, **labels) - metric(before, name, **labels)

    operations = "ecuapass_graphql_operations_total"
    assert grew(operations, operation="login", type="mutation", outcome="user_error") == 1
    assert grew(operations, operation="login", type="mutation", outcome="ok") == 1
    assert grew(operations, operation="requestSecurityCode", type="mutation", outcome="ok") == 1
    assert grew(operations, operation="operator", type="query", outcome="error") == 1
    assert grew("ecuapass_security_codes_sent_total") == 1
    assert grew("ecuapass_sign_in_failures_total", reason="invalid_credentials") == 1
    assert (
        grew(
            "ecuapass_graphql_operation_duration_seconds_count", operation="login", type="mutation"
        )
        == 2
    )
    http_requests = "ecuapass_http_request_duration_seconds_count"
    assert grew(http_requests, method="POST", route="/graphql", status="200") == 3
    assert grew(http_requests, method="POST", route="/graphql", status="401") == 1
    assert metric(
        after, "ecuapass_http_request_duration_seconds_bucket", route="/graphql", le="+Inf"
    )
    assert metric(after, "ecuapass_outbox_lag_events") >= 0
    assert "ecuapass_event_subscribers" in after


async def test_an_operation_that_does_not_validate_is_counted_as_invalid_not_by_its_fields(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)
    body = await graphql(client, "{ madeUpField_1234 }")
    assert body["errors"]
    after = await scrape(client)
    assert "madeUpField_1234" not in after
    labels = {"operation": "invalid", "type": "query", "outcome": "error"}
    grown = metric(after, "ecuapass_graphql_operations_total", **labels) - metric(
        before, "ecuapass_graphql_operations_total", **labels
    )
    assert grown == 1


async def test_an_operation_that_does_not_parse_is_counted_as_invalid_with_an_unknown_type(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)
    body = await graphql(client, "{ me { userId ")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    after = await scrape(client)
    labels = {"operation": "invalid", "type": "unknown", "outcome": "error"}
    grown = metric(after, "ecuapass_graphql_operations_total", **labels) - metric(
        before, "ecuapass_graphql_operations_total", **labels
    )
    assert grown == 1


async def test_the_subscribers_gauge_follows_open_subscriptions(
    client: httpx.AsyncClient, observed: Server, services: Services
) -> None:
    await make_operator(services)
    login = await graphql(client, LOGIN, {"i": "0912345675001", "u": "USUARIO01", "p": PASSWORD})
    token = login["data"]["login"]["token"]
    async with subscribed(observed, token):
        assert metric(await scrape(client), "ecuapass_event_subscribers") == 1
        assert metric(await scrape(client), "ecuapass_websocket_connections") == 1
    gone = await eventually_metric(client, "ecuapass_event_subscribers", 0)
    assert gone == 0


@asynccontextmanager
async def subscribed(server: Server, token: str) -> AsyncIterator[ClientConnection]:
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = "subscription { operatorEvents { id } }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        await asyncio.sleep(0.5)  # the server joins the hub after its replay
        yield ws


async def eventually_metric(client: httpx.AsyncClient, name: str, value: float) -> float:
    deadline = time.monotonic() + 5
    while True:
        current = metric(await scrape(client), name)
        if current == value or time.monotonic() > deadline:
            return current
        await asyncio.sleep(0.1)


async def test_outbox_lag_is_minus_one_and_metrics_still_answer_when_redis_is_down(
    environment: Environment, tmp_path: Path
) -> None:
    server = start_server(
        environment.variables(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"),
        tmp_path / "api.log",
    )
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            started = time.perf_counter()
            text = await scrape(http)
            assert time.perf_counter() - started < 5
        assert metric(text, "ecuapass_outbox_lag_events") == -1
    finally:
        stop_server(server)


async def test_metrics_can_be_switched_off(environment: Environment, tmp_path: Path) -> None:
    server = start_server(environment.variables(METRICS_ENABLED="false"), tmp_path / "api.log")
    try:
        async with httpx.AsyncClient(base_url=server.url) as http:
            assert (await http.get("/metrics")).status_code == 404
    finally:
        stop_server(server)


# --- tracing -------------------------------------------------------------------------------


class Collector:
    """An OTLP/HTTP trace receiver in the test process: what the API exports, decoded."""

    def __init__(self) -> None:
        self.requests: list[ExportTraceServiceRequest] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                collector.requests.append(request)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def spans(self) -> list[Any]:
        return [
            span
            for request in self.requests
            for resource in request.resource_spans
            for scope in resource.scope_spans
            for span in scope.spans
        ]

    def services(self) -> set[str]:
        return {
            attribute.value.string_value
            for request in self.requests
            for resource in request.resource_spans
            for attribute in resource.resource.attributes
            if attribute.key == "service.name"
        }


@pytest.fixture
def collector() -> Iterator[Collector]:
    receiver = Collector()
    receiver.thread.start()
    yield receiver
    receiver.http.shutdown()
    receiver.http.server_close()


async def test_with_an_otlp_endpoint_requests_are_traced_without_secrets(
    environment: Environment, tmp_path: Path, services: Services, collector: Collector
) -> None:
    await make_operator(services)
    server = start_server(
        environment.variables(
            OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{collector.port}",
            OTEL_BSP_SCHEDULE_DELAY="100",
        ),
        tmp_path / "api.log",
    )
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            response = await http.post(
                "/graphql",
                json={
                    "query": LOGIN,
                    "variables": {"i": "0912345675001", "u": "USUARIO01", "p": PASSWORD},
                },
                headers={"traceparent": f"00-{trace_id}-b7ad6b7169203331-01"},
            )
            assert response.status_code == 200
            spans = await eventually(
                lambda: len(collector.spans()) >= 2 and collector.spans(), within=10
            )
    finally:
        stop_server(server)
    assert spans, "spans were exported"
    by_name = {span.name: span for span in spans}
    http_span, operation_span = by_name["POST /graphql"], by_name["mutation login"]
    assert http_span.trace_id.hex() == trace_id  # the caller's traceparent was honoured
    assert operation_span.parent_span_id == http_span.span_id
    assert collector.services() == {"ecuapass-api"}
    exported = b"".join(request.SerializeToString() for request in collector.requests)
    assert PASSWORD.encode() not in exported
    assert b"0912345675001" not in exported  # no variables, no query text


async def test_tracing_is_off_by_default_and_when_the_sdk_is_disabled(
    client: httpx.AsyncClient, observed: Server
) -> None:
    endpoint = "http://127.0.0.1:4318"
    assert Settings().trace_exporters == ()
    assert Settings(otel_exporter_otlp_endpoint=endpoint).trace_exporters == ("otlp",)
    assert (
        Settings(otel_exporter_otlp_endpoint=endpoint, otel_sdk_disabled=True).trace_exporters == ()
    )
    assert (
        Settings(otel_exporter_otlp_endpoint=endpoint, otel_traces_exporter="none").trace_exporters
        == ()
    )
    assert configure_tracing(Settings()) is None
    assert current_tracer() is None
    # The server of these tests has no OTEL_* variable: its log lines carry no trace id.
    await client.post("/graphql", json={"query": ME})
    assert all("trace_id" not in line for line in log_lines(observed))


async def test_secrets_written_as_literals_in_refused_queries_are_never_logged(
    client: httpx.AsyncClient, observed: Server
) -> None:
    password = "Literal-Clave-Secreta-77"
    code = "QZ7K4M9P"
    refused = [
        # Unknown input field: validation fails with the literals in the document.
        f'mutation {{ modify(input: {{ name: "x", newPassword: "{password}", '
        f'currentPassword: "{password}", newPasswordConfirmation: "{password}", '
        f'securityCode: "{code}", nombre: 1 }}) {{ errors {{ code }} }} }}',
        # Unknown argument beside a literal password.
        f'mutation {{ login(identification: "1", userId: "U", password: "{password}", x: 1) '
        "{ token } }",
        # Does not parse.
        f'mutation {{ login(identification: "1", userId: "U", password: "{password}" {{ token }} }}',
        # A literal of the wrong type.
        f'mutation {{ login(identification: "1", userId: "U", password: {{ p: "{password}" }}) '
        "{ token } }",
    ]
    for query in refused:
        answer = await client.post("/graphql", json={"query": query})
        assert answer.json()["errors"], query
        await client.get("/graphql", params={"query": query})
    await eventually(lambda: observed.log().count("graphql") > 0)
    log = observed.log()
    for secret in (password, code):
        leaked = [part for part in fragments(secret, size=8) if part in log]
        assert not leaked, f"a part of a secret is in the log: {leaked}"


async def test_a_failed_mail_is_logged_without_the_full_address(
    services: Services, environment: Environment, tmp_path: Path
) -> None:
    await make_operator(services)
    server = start_server(
        environment.variables(LOG_LEVEL="debug", LOG_FORMAT="json", SMTP_PORT=str(free_port())),
        tmp_path / "api.log",
    )
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            login = await graphql(
                http, LOGIN, {"i": "0912345675001", "u": "USUARIO01", "p": PASSWORD}
            )
            token = login["data"]["login"]["token"]
            sent = await graphql(http, REQUEST_CODE, {"e": "ana.gonzalez@correo.example"}, token)
            assert sent["data"]["requestSecurityCode"]["errors"][0]["code"] == "MAIL_NOT_SENT"
        await eventually(lambda: "not sent" in server.log())
        log = server.log()
        assert "ana.gonzalez@correo.example" not in log
        assert "ana.gonzalez" not in log
    finally:
        stop_server(server)
