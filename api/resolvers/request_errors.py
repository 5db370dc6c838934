"""Request-level errors carry the codes clients act on, as Apollo Server names them: a document
that does not parse is GRAPHQL_PARSE_FAILED, one that does not validate (unknown fields, depth
and alias limits) GRAPHQL_VALIDATION_FAILED, variables that do not fit their types
BAD_USER_INPUT. They are the client's mistakes, so they keep their message in production too
(an error with a code is never masked as unexpected)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

PARSE_FAILED: Final = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED: Final = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT: Final = "BAD_USER_INPUT"


def with_code(error: GraphQLError, code: str) -> None:
    if not (error.extensions and "code" in error.extensions):
        error.extensions = {**(error.extensions or {}), "code": code}


class RequestErrorCodes(SchemaExtension):
    """See the module. Runs inside the error masking (after it in the extension list), so the
    codes are there before masking decides what is unexpected."""

    def on_parse(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as failed:
            with_code(failed, PARSE_FAILED)
            raise
        for error in self.execution_context.pre_execution_errors or ():
            with_code(error, PARSE_FAILED)

    def on_validate(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            with_code(error, VALIDATION_FAILED)

    def on_operation(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        refused = execution.pre_execution_errors
        if refused:
            # Parse and validation errors are coded already: what is left was refused after
            # validation, the variables that did not fit their types.
            for error in refused:
                with_code(error, BAD_USER_INPUT)
            return
        result = execution.result
        if isinstance(result, ExecutionResult) and result.errors and result.data is None:
            # No field ran: graphql-core refused the variables (a field's error has a path).
            for error in result.errors:
                if error.path is None:
                    with_code(error, BAD_USER_INPUT)
