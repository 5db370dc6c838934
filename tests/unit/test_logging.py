"""Log lines: JSON (or text) with the request id, and never a secret, whatever the level."""

from __future__ import annotations

import asyncio
import gc
import io
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import GraphQLError

from api.observability.logs import (
    STRAWBERRY_WEBSOCKET_TASKS,
    JsonFormatter,
    RequestIdFilter,
    SubscriberGoneFilter,
    TextFormatter,
    accept_request_id,
    configure_logging,
    redact,
    request_id_var,
)
from api.settings import Environment, LogFormat, Settings

TOKEN = "ebD0CErAQDRNKqBTw8_vm0uXIile094ZWAd1shjFGl0"
PARTNER_KEY = "pk_Qm9uZ29fY2xhdmVfZGVfcHJ1ZWJhX25vX3VzYXJfZW5fcHJvZA"


def record(message: str, *args: object, **extra: Any) -> logging.LogRecord:
    made = logging.makeLogRecord(
        {"name": "api.test", "levelno": logging.INFO, "levelname": "INFO", "msg": message}
    )
    made.args = args or None
    made.__dict__.update(extra)
    RequestIdFilter().filter(made)
    return made


def as_json(made: logging.LogRecord) -> dict[str, Any]:
    line = JsonFormatter().format(made)
    assert "\n" not in line
    parsed: dict[str, Any] = json.loads(line)
    return parsed


@pytest.fixture
def request_id() -> Iterator[str]:
    token = request_id_var.set("req-42")
    yield "req-42"
    request_id_var.reset(token)


def test_a_json_line_has_time_level_logger_message_request_id_and_the_extra_fields(
    request_id: str,
) -> None:
    line = as_json(record("operator %s updated", "USUARIO01", status=200, route="/graphql"))
    assert line["level"] == "INFO"
    assert line["logger"] == "api.test"
    assert line["message"] == "operator USUARIO01 updated"
    assert line["request_id"] == request_id
    assert line["status"] == 200
    assert line["route"] == "/graphql"
    assert line["time"].startswith("20")


def test_a_line_outside_any_request_has_a_null_request_id() -> None:
    assert as_json(record("started"))["request_id"] is None


def test_a_multiline_message_and_its_exception_stay_on_one_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        made = record("first\nsecond")
        made.exc_info = __import__("sys").exc_info()
    line = as_json(made)
    assert line["message"] == "first\nsecond"
    assert "ValueError: boom" in line["exception"]


def test_text_that_is_not_valid_unicode_still_makes_one_json_line() -> None:
    line = as_json(record('Unknown operation named "%s".', "\ud800", name="\udcff"))
    assert line["message"] == 'Unknown operation named "\ud800".'


def test_the_text_format_shows_the_request_id(request_id: str) -> None:
    line = TextFormatter().format(record("hello"))
    assert f"[{request_id}] hello" in line


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("lb-7f3a.2027_01-15", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("", False),
        (None, False),
        ("has space", False),
        ("inject\nline", False),
        ('{"json": 1}', False),
    ],
)
def test_the_callers_request_id_is_kept_only_when_it_is_a_sane_token(
    sent: str | None, kept: bool
) -> None:
    chosen = accept_request_id(sent)
    assert (chosen == sent) is kept
    if not kept:
        assert len(chosen) == 32
        assert int(chosen, 16) >= 0


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {TOKEN}",
        f"authorization=bearer {TOKEN}",
        f"partner {PARTNER_KEY} refused",
        f"password={TOKEN}",
        f'{{"token": "{TOKEN}"}}',
        f"[SQL: INSERT INTO x VALUES ($1)]\n[parameters: ('{TOKEN}',)]",
    ],
)
def test_credentials_are_redacted_from_any_message(text: str) -> None:
    cleaned = redact(text)
    assert TOKEN not in cleaned
    assert PARTNER_KEY not in cleaned
    assert "[redacted]" in cleaned


def test_an_ordinary_message_is_left_alone() -> None:
    text = "modify USUARIO01: código enviado a ana@correo.example (15 minutos)"
    assert redact(text) == text


def test_extra_fields_naming_a_secret_are_never_written() -> None:
    line = as_json(record("login", password="x", token=TOKEN, Authorization="Bearer y", code="Z"))
    assert (
        line["password"] == line["token"] == line["Authorization"] == line["code"] == "[redacted]"
    )
    assert TOKEN not in json.dumps(line)


def test_exceptions_are_redacted_too() -> None:
    try:
        raise RuntimeError(f"upstream refused Bearer {TOKEN}")
    except RuntimeError:
        made = record("call failed")
        made.exc_info = __import__("sys").exc_info()
    assert TOKEN not in JsonFormatter().format(made)


@pytest.fixture
def configured() -> Iterator[io.StringIO]:
    """`configure_logging` on a stream, the logging configuration restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    names = [*logging.root.manager.loggerDict, "strawberry.execution"]
    saved = {
        name: (logging.getLogger(name).level, logging.getLogger(name).filters[:]) for name in names
    }
    stream = io.StringIO()
    configure_logging(level="debug", log_format=LogFormat.JSON, stream=stream)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, (level, filters) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.filters[:] = filters


def test_at_debug_the_libraries_that_would_write_secrets_stay_quieter(
    configured: io.StringIO,
) -> None:
    assert logging.getLogger("api").isEnabledFor(logging.DEBUG)
    # SQL parameters, the SMTP conversation, WebSocket frames and handshake headers.
    assert not logging.getLogger("sqlalchemy.engine.Engine").isEnabledFor(logging.INFO)
    assert not logging.getLogger("aiosmtplib").isEnabledFor(logging.INFO)
    assert not logging.getLogger("uvicorn.error").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("websockets.server").isEnabledFor(logging.DEBUG)
    # uvicorn's own access log (with query strings) is replaced by the application's.
    logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /graphql?variables=... HTTP/1.1"')
    assert "variables" not in configured.getvalue()


def test_graphql_errors_lose_the_values_graphql_core_quotes(configured: io.StringIO) -> None:
    inner = GraphQLError(
        "Expected value of type 'ModifyOperatorInput' not to include unknown field 'x', "
        "found: {'securityCode': 'AB12CD34', 'newPassword': 'Otra-Clave-Segura-88'}."
    )
    outer = GraphQLError(
        "Variable '$input' has invalid value: {'securityCode': 'AB12CD34'}", original_error=inner
    )
    logging.getLogger("strawberry.execution").error(outer, exc_info=inner)
    written = configured.getvalue()
    assert "AB12CD34" not in written
    assert "Otra-Clave-Segura-88" not in written
    line = json.loads(written.strip().splitlines()[-1])
    assert "unknown field 'x'" in line["message"]


def test_the_format_is_json_in_production_and_text_in_development_unless_chosen() -> None:
    production = Settings(
        environment=Environment.PRODUCTION,
        database_url="postgresql+asyncpg://u@h/db",
        redis_url="redis://h:6379/0",
        smtp_host="mail",
        secret_key="k3Y-" + "".join(chr(65 + n) for n in range(40)),
        metrics_token="t",
    )
    assert production.effective_log_format is LogFormat.JSON
    assert Settings(environment=Environment.DEVELOPMENT).effective_log_format is LogFormat.TEXT
    assert Settings(log_format=LogFormat.JSON).effective_log_format is LogFormat.JSON


def _record(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        return logging.LogRecord(
            STRAWBERRY_WEBSOCKET_TASKS,
            logging.ERROR,
            __file__,
            1,
            "Exception in worker task",
            None,
            sys.exc_info(),
        )


class WebSocketDisconnected(Exception):
    """Named as the exception Strawberry raises (its module is not public API)."""


def test_a_send_to_a_subscriber_already_gone_is_not_logged_as_an_error() -> None:
    assert not SubscriberGoneFilter().filter(_record(WebSocketDisconnected()))
    assert SubscriberGoneFilter().filter(_record(RuntimeError("a real failure")))
    assert SubscriberGoneFilter().filter(logging.LogRecord("x", 20, __file__, 1, "m", None, None))


def test_a_task_no_one_awaited_that_ended_with_its_subscriber_gone_logs_no_traceback(
    configured: io.StringIO,
) -> None:
    async def ends_with(error: BaseException) -> None:
        raise error

    async def leave_unretrieved() -> None:
        for error in (WebSocketDisconnected(), RuntimeError("a real failure")):
            task = asyncio.ensure_future(ends_with(error))
            await asyncio.sleep(0.01)
            assert task.done()
            del task  # asyncio reports the exception no one retrieved as the task is freed
            gc.collect()

    asyncio.run(leave_unretrieved())
    lines = configured.getvalue()
    assert "WebSocketDisconnected" not in lines
    assert "Task exception was never retrieved" in lines
    assert "a real failure" in lines
