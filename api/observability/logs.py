"""Logging: one JSON object per line (or plain text for a terminal), each line carrying the id of
the request or WebSocket connection it belongs to, and never a secret.

Secrets stay out by construction — the service logs no token, password, security code, partner
key, Authorization header or GraphQL variables, and the libraries that would at DEBUG (SQL with
its parameters, the SMTP conversation, WebSocket frames) are held at a quieter level whatever
`LOG_LEVEL` says. `redact` is the second line of defence: it masks what still looks like a
credential in any message or traceback. The one deliberate exception is the zero-setup mailer
(`api.mail.outbox`), which writes whole messages to the log because there is nowhere else to
read them; production sets `SMTP_HOST` and never uses it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Final, TextIO

import orjson
from graphql import GraphQLError

from api.settings import LogFormat

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
"""The id of the HTTP request or WebSocket connection being served (set by the middleware)."""
request_notes_var: ContextVar[dict[str, str] | None] = ContextVar("request_notes", default=None)
"""What the application learnt about the HTTP request being served, for its access log line (the
GraphQL operation and its outcome)."""

REQUEST_ID_HEADER: Final = "X-Request-ID"
REQUEST_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9._-]{1,64}")

TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

# Held at this level (or quieter) whatever LOG_LEVEL says: at DEBUG they write what must not be
# logged. uvicorn: its WebSocket implementation logs every handshake header and frame through
# `uvicorn.error` (`connection_init` with its token, operations with their variables, events),
# `uvicorn.asgi` every ASGI message with its body; SQLAlchemy: statements with their parameters;
# aiosmtplib: the SMTP conversation, the message and its security code included; websockets:
# frames; aiosqlite: each call with its arguments.
LIBRARY_LEVELS: Final[dict[str, int]] = {
    "uvicorn": logging.INFO,
    "uvicorn.error": logging.INFO,
    "uvicorn.asgi": logging.INFO,
    "sqlalchemy": logging.WARNING,
    "aiosmtplib": logging.WARNING,
    "websockets": logging.INFO,
    "aiosqlite": logging.INFO,
    "multipart": logging.WARNING,
    "python_multipart": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    # Alembic announces every plugin it loads; only its warnings matter to an operator.
    "alembic": logging.WARNING,
}

# Extra fields whose value is never written, whoever passes them.
SECRET_FIELDS: Final = frozenset(
    {
        "authorization",
        "code",
        "key",
        "partner_key",
        "password",
        "secret",
        "security_code",
        "token",
        "variables",
    }
)
REDACTED: Final = "[redacted]"

_REDACTIONS: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    # A bearer credential: session token or partner key.
    (re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+"), rf"\1 {REDACTED}"),
    # A partner key anywhere (api/domain/partners.py: "pk_" and 43 URL-safe characters).
    (re.compile(r"\bpk_[A-Za-z0-9_-]{8,}"), f"pk_{REDACTED}"),
    # SQLAlchemy's error text lists the statement's parameters.
    (re.compile(r"\[parameters: [^\n]*"), f"[parameters: {REDACTED}]"),
    # key=value or "key": "value" pairs naming a secret.
    (
        re.compile(
            r"(?i)\b(password|passwd|secret|token|authorization|security_?code|api_?key)"
            r"([\"']?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"
        ),
        rf"\1\2{REDACTED}",
    ),
)

# graphql-core quotes the offending value when it refuses a variable or a literal ("Variable
# '$input' got invalid value {...}", "... found 123."): that value may be a password.
_GRAPHQL_VALUE: Final = re.compile(
    r"(got invalid value|value:|found:?)\s.*", re.DOTALL | re.IGNORECASE
)

# Attributes of every LogRecord: anything else on a record is an extra field of the call.
_RECORD_ATTRIBUTES: Final = frozenset(
    {
        *vars(logging.makeLogRecord({})),
        "message",
        "asctime",
        "request_id",
        # uvicorn's coloured copy of its message.
        "color_message",
    }
)


def new_request_id() -> str:
    """32 random hex digits, the shape of `uuid4().hex` at a quarter of its cost."""
    return os.urandom(16).hex()


def accept_request_id(candidate: str | None) -> str:
    """The caller's `X-Request-ID` when it is a sane token (at most 64 of [A-Za-z0-9._-]),
    otherwise a new id: a log line must not carry whatever a client chose to send."""
    if candidate and REQUEST_ID_PATTERN.fullmatch(candidate):
        return candidate
    return new_request_id()


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request id (`-` outside any request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


def without_graphql_values(message: str) -> str:
    return _GRAPHQL_VALUE.sub(rf"\1 {REDACTED}", message)


class GraphQLValueFilter(logging.Filter):
    """For Strawberry's error log: keeps the error, drops the value graphql-core quoted.

    A refused request's error carries the inner GraphQLError as its cause, with the value again:
    its message is kept (cleaned) and its traceback, which says nothing about the service, is
    dropped. A resolver's own exception keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        # A GraphQLError's text (`str`) prints the lines of the document around the error, and
        # with them any literal written there (a password): only its own message is kept.
        raw = record.msg.message if isinstance(record.msg, GraphQLError) else record.getMessage()
        message = without_graphql_values(raw)
        if record.exc_info and isinstance(record.exc_info[1], GraphQLError):
            message = f"{message} ({without_graphql_values(record.exc_info[1].message)})"
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = message, None
        return True


TraceFields = Callable[[], dict[str, str]]


def _no_trace() -> dict[str, str]:
    return {}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, the call's extra
    fields, and the exception when there is one."""

    def __init__(self, trace_fields: TraceFields = _no_trace) -> None:
        super().__init__()
        self.trace_fields = trace_fields

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = REDACTED if key.lower() in SECRET_FIELDS else value
        entry.update(self.trace_fields())
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        try:
            return orjson.dumps(entry, default=str, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError:
            # Text orjson refuses (a lone surrogate a client sent): the standard library escapes
            # it, so the line is still one JSON object.
            return json.dumps(entry, default=str, ensure_ascii=True)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        return redact(super().format(record))


class SubscriberGoneFilter(logging.Filter):
    """WORKAROUND (Strawberry 0.341): an event sent to a subscriber whose connection just closed
    (a client gone, or this process closing subscriptions with 1012 on SIGTERM) ends the
    operation's task with `WebSocketDisconnected`, for what is the normal end of a subscription.
    The graphql-transport-ws handler logs it as "Exception in worker task" with a traceback; the
    graphql-ws handler never retrieves it (the task drops itself from the handler's tasks before
    anyone awaits it), so asyncio logs "Task exception was never retrieved" with a traceback.
    Such records are dropped on both loggers; every other record passes
    (tests/unit/test_logging.py). To be removed once Strawberry ends the stream quietly:
    tests/api/test_graceful_restart.py checks that a restart logs no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return type(error).__name__ != "WebSocketDisconnected"


def parse_level(name: str) -> int:
    level = logging.getLevelNamesMapping().get(name.strip().upper())
    return level if level is not None else logging.INFO


# The logger Strawberry's WebSocket protocol handlers report their tasks' exceptions on, and
# asyncio's own, which reports those of tasks no one awaited.
STRAWBERRY_WEBSOCKET_TASKS: Final = "strawberry.ws.task"
ASYNCIO: Final = "asyncio"


def configure_logging(
    *,
    level: str,
    log_format: LogFormat,
    stream: TextIO | None = None,
    trace_fields: TraceFields = _no_trace,
) -> logging.Handler:
    """Route every logger (the service's, uvicorn's, the libraries') to one handler on stderr."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter(trace_fields) if log_format is LogFormat.JSON else TextFormatter()
    )
    numeric = parse_level(level)
    logging.basicConfig(handlers=[handler], level=numeric, force=True)
    logging.captureWarnings(True)
    # uvicorn's own lines go through the root handler; its access log is replaced by the
    # middleware's (which leaves the query string out: GET variables are not logged).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.asgi"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    for name, quietest in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(max(numeric, quietest))
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    strawberry_errors = logging.getLogger("strawberry.execution")
    if not any(isinstance(f, GraphQLValueFilter) for f in strawberry_errors.filters):
        strawberry_errors.addFilter(GraphQLValueFilter())
    for name in (STRAWBERRY_WEBSOCKET_TASKS, ASYNCIO):
        tasks = logging.getLogger(name)
        if not any(isinstance(f, SubscriberGoneFilter) for f in tasks.filters):
            tasks.addFilter(SubscriberGoneFilter())
    return handler
