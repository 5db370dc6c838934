"""What a client may see of an error: a dependency failure (PostgreSQL or Redis down) answers a
clean SERVICE_UNAVAILABLE instead of the exception's text, a permission's refusal reads in the
caller's language, and production also hides every unexpected error (`UserError`s and coded
errors still reach the client).

A schema extension of its own rather than Strawberry's `MaskErrors`: a dependency failure gets
its own code and a message in the caller's language, which `MaskErrors` (one fixed message, no
code) cannot give. It rewrites the errors of the operation's finished result."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Final

from graphql import ExecutionResult, GraphQLError

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import error_message
from api.domain.vocabulary import Locale
from api.graphql.request_errors import RequestErrorCodes
from api.resolvers.errors import UNAVAILABLE, PermissionRefusal

log = logging.getLogger("api.resolvers")

UNEXPECTED_MESSAGE: Final = "Error inesperado."


def has_code(error: GraphQLError) -> bool:
    return bool(error.extensions and "code" in error.extensions)


def is_unexpected(error: GraphQLError) -> bool:
    """What escaped as an exception without a code (a bug), as opposed to validation errors and
    the errors our resolvers raise on purpose (they carry `extensions.code`)."""
    return error.original_error is not None and not has_code(error)


def unavailable(error: GraphQLError, locale: Locale) -> GraphQLError:
    log.warning("dependency unavailable: %s", type(error.original_error).__name__)
    return GraphQLError(
        message=error_message(FieldError(None, ErrorCode.SERVICE_UNAVAILABLE), locale),
        nodes=error.nodes,
        path=error.path,
        extensions={"code": ErrorCode.SERVICE_UNAVAILABLE.value},
    )


def in_callers_language(error: GraphQLError, locale: Locale) -> GraphQLError:
    code = ErrorCode(str((error.extensions or {})["code"]))
    return GraphQLError(
        message=error_message(FieldError(None, code), locale),
        nodes=error.nodes,
        path=error.path,
        extensions=error.extensions,
    )


def masked(error: GraphQLError) -> GraphQLError:
    return GraphQLError(message=UNEXPECTED_MESSAGE, nodes=error.nodes, path=error.path)


class DependencyErrors(RequestErrorCodes):
    """See the module; unexpected errors keep their text (development). The request-level codes
    (`RequestErrorCodes`) are given first, in the same hooks: a coded error is never masked."""

    mask_unexpected: bool = False

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        result = self.execution_context.result
        if not isinstance(result, ExecutionResult) or not result.errors:
            return
        locale = getattr(self.execution_context.context, "locale", Locale.ES)
        result.errors = [self.visible(error, locale) for error in result.errors]

    def visible(self, error: GraphQLError, locale: Locale) -> GraphQLError:
        if isinstance(error.original_error, UNAVAILABLE):
            return unavailable(error, locale)
        if isinstance(error.original_error, PermissionRefusal):
            return in_callers_language(error, locale)
        if self.mask_unexpected and is_unexpected(error):
            return masked(error)
        return error


class ProductionErrors(DependencyErrors):
    """Dependency failures as above, and every unexpected error masked."""

    mask_unexpected = True
