"""Counting and timing GraphQL operations.

An operation is named by the root field it selects (`login`, `me`, `countries`…: the operation
names SPEC §3 fixes), `multiple` when it selects several, `invalid` when it did not parse or
validate: the client's own `operationName` is free text and would let a client create series
without end. Its outcome is `ok`, `user_error` (a mutation payload answered `errors`) or `error`
(GraphQL errors). The observer follows the operation and its validation, never each resolver, so
its cost is a few microseconds per operation.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final

from api.graphql.documents import selected_operation
from api.observability.logs import request_notes_var
from api.observability.metrics import GRAPHQL_OPERATION_DURATION_BY, GRAPHQL_OPERATIONS_BY
from api.observability.tracing import current_tracer

if TYPE_CHECKING:
    from opentelemetry.trace import Span
    from strawberry.types import ExecutionContext

INVALID: Final = "invalid"
MULTIPLE: Final = "multiple"
TYPENAME: Final = "__typename"
OK: Final = "ok"
USER_ERROR: Final = "user_error"
ERROR: Final = "error"
TIMED_TYPES: Final = frozenset({"query", "mutation"})


def operation_label(execution: ExecutionContext, *, validated: bool) -> tuple[str, str]:
    """(type, name) of the operation for metrics: both from closed sets."""
    document = execution.graphql_document
    if document is None:
        return "unknown", INVALID
    operation, selected = selected_operation(document, execution.operation_name)
    if operation is None:
        return "unknown", INVALID
    kind = operation.operation.value
    # Parsed but refused by validation (or by a limit): not a real operation of the schema.
    if not validated:
        return kind, INVALID
    fields = selected - {TYPENAME}
    if not fields:
        return kind, TYPENAME
    return kind, next(iter(fields)) if len(fields) == 1 else MULTIPLE


def outcome(execution: ExecutionContext, kind: str) -> str:
    if execution.pre_execution_errors:
        return ERROR
    result = execution.result
    if kind == "subscription":
        return OK  # events are not results of the operation; its setup went through
    if result is None or result.errors:
        return ERROR
    data = result.data
    if isinstance(data, dict) and any(
        isinstance(payload, dict) and payload.get("errors") for payload in data.values()
    ):
        return USER_ERROR
    return OK


class OperationObserver:
    """One operation's observation, from its start to its answer: counts it by root field, type
    and outcome, times queries and mutations, notes it for the access log line, and traces it
    when tracing is on (api/graphql/pipeline.py calls it)."""

    __slots__ = ("_span", "_started")

    def __init__(self) -> None:
        self._started = time.perf_counter()
        tracer = current_tracer()
        self._span: Span | None = tracer.start_span("graphql") if tracer is not None else None

    def finish(self, execution: ExecutionContext, *, validated: bool) -> None:
        """`validated`: the operation parsed and validated."""
        elapsed = time.perf_counter() - self._started
        kind, name = operation_label(execution, validated=validated)
        result = outcome(execution, kind)
        GRAPHQL_OPERATIONS_BY(name, kind, result).inc()
        if kind in TIMED_TYPES:
            GRAPHQL_OPERATION_DURATION_BY(name, kind).observe(elapsed)
        notes = request_notes_var.get()
        if notes is not None:
            notes["graphql"] = f"{kind} {name}" if "graphql" not in notes else MULTIPLE
            notes["outcome"] = result
        if self._span is not None:
            _finish_span(self._span, kind=kind, name=name, result=result)


def _finish_span(span: Span, *, kind: str, name: str, result: str) -> None:
    from opentelemetry.trace import StatusCode

    span.update_name(f"{kind} {name}")
    span.set_attribute("graphql.operation.type", kind)
    span.set_attribute("graphql.operation.root_field", name)
    span.set_attribute("graphql.outcome", result)
    if result == ERROR:
        span.set_status(StatusCode.ERROR)
    span.end()
