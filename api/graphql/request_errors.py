"""Request-level errors carry the codes clients act on, as Apollo Server names them: a document
that does not parse is GRAPHQL_PARSE_FAILED, one that does not validate (unknown fields, depth
and alias limits) GRAPHQL_VALIDATION_FAILED, variables that do not fit their types
BAD_USER_INPUT. They are the client's mistakes, so they keep their message in production too
(an error with a code is never masked as unexpected)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from graphql import ExecutionResult, GraphQLError, OperationType
from starlette.requests import Request
from starlette.responses import Response

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import error_message
from api.resolvers.context import Context

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

PARSE_FAILED: Final = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED: Final = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT: Final = "BAD_USER_INPUT"


def with_code(error: GraphQLError, code: str) -> None:
    if not (error.extensions and "code" in error.extensions):
        error.extensions = {**(error.extensions or {}), "code": code}


def code_validation_errors(execution: ExecutionContext) -> None:
    """Right after validation: what it refused is GRAPHQL_VALIDATION_FAILED."""
    for error in execution.pre_execution_errors or ():
        with_code(error, VALIDATION_FAILED)


def code_parse_failure(error: GraphQLError) -> None:
    """A GraphQLError raised while parsing (by Strawberry's parser cache): the syntax is wrong."""
    with_code(error, PARSE_FAILED)


def code_request_errors(execution: ExecutionContext) -> None:
    """After the operation, before the error masking (api/graphql/masking.py), which lets
    through only what carries a code."""
    result = execution.result
    if execution.graphql_document is None:
        # Nothing parsed (Strawberry's own parse keeps its error instead of raising it):
        # whatever was refused is the syntax.
        for error in [
            *(execution.pre_execution_errors or ()),
            *(getattr(result, "errors", None) or ()),
        ]:
            with_code(error, PARSE_FAILED)
        return
    # Parse and validation errors are coded already: what is left without a path was refused
    # after validation, the variables that did not fit their types. An error with a path is a
    # field's: Strawberry copies execution errors into `pre_execution_errors` too, and coding
    # those would hide a resolver's unexpected exception from the masking.
    refused = execution.pre_execution_errors or (
        result.errors if isinstance(result, ExecutionResult) else None
    )
    for error in refused or ():
        if error.path is None:
            with_code(error, BAD_USER_INPUT)


def http_subscription_refusal(execution: ExecutionContext) -> ExecutionResult | None:
    """A subscription sent over HTTP (Apollo's multipart subscriptions, a plain POST) answers a
    coded error that says where subscriptions are served, with status 400, instead of running:
    this API serves them over WebSocket only."""
    context = execution.context
    if not (
        isinstance(context, Context)
        and isinstance(context.request, Request)
        and execution.operation_type.value == OperationType.SUBSCRIPTION.value
    ):
        return None
    if isinstance(context.response, Response):
        context.response.status_code = 400
    error = FieldError(None, ErrorCode.SUBSCRIPTION_NEEDS_WEBSOCKET)
    return ExecutionResult(
        data=None,
        errors=[
            GraphQLError(
                error_message(error, context.locale),
                extensions={"code": ErrorCode.SUBSCRIPTION_NEEDS_WEBSOCKET.value},
            )
        ],
    )
