"""What a client may see of an error: a dependency failure (PostgreSQL or Redis down) answers a
clean SERVICE_UNAVAILABLE instead of the exception's text, a permission's refusal reads in the
caller's language, and production also hides every unexpected error (`UserError`s and coded
errors still reach the client).

Our own step of the request pipeline (api/graphql/pipeline.py) rather than Strawberry's
`MaskErrors`: a dependency failure gets its own code and a message in the caller's language,
which `MaskErrors` (one fixed message, no code) cannot give. It rewrites the errors of the
operation's finished result."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

from graphql import GraphQLError

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import RequestRefusal, error_message, refusal_message
from api.domain.vocabulary import Locale
from api.resolvers.errors import UNAVAILABLE, PermissionRefusal

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

log = logging.getLogger("api.resolvers")

# The request-level refusals whose message is given in the caller's language once the answer
# is known: their errors are made where no request is at hand (a validation rule, whose result
# is kept per document), with their parameters in the extensions.
_TRANSLATED_REFUSALS: Final = frozenset({RequestRefusal.TOO_MANY_MUTATIONS.value})


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


def masked(error: GraphQLError, locale: Locale) -> GraphQLError:
    message = refusal_message(RequestRefusal.UNEXPECTED, locale)
    return GraphQLError(message=message, nodes=error.nodes, path=error.path)


def refusal_in_callers_language(error: GraphQLError, locale: Locale) -> GraphQLError:
    extensions = error.extensions or {}
    refusal = RequestRefusal(str(extensions["code"]))
    params = {key: value for key, value in extensions.items() if key != "code"}
    return GraphQLError(
        message=refusal_message(refusal, locale, **params),
        nodes=error.nodes,
        path=error.path,
        extensions=error.extensions,
    )


def show_errors(execution: ExecutionContext, *, mask_unexpected: bool) -> None:
    """Rewrites the errors of the operation's finished result as the client may see them (see
    the module); `mask_unexpected` in production. Runs after the request-level codes are given
    (api/graphql/request_errors.py): a coded error is never masked."""
    # graphql-core's result of an execution, or Strawberry's of a refused parse or validation.
    result = execution.result
    if result is None or not result.errors:
        return
    locale = getattr(execution.context, "locale", Locale.ES)
    result.errors = [
        visible(error, locale, mask_unexpected=mask_unexpected) for error in result.errors
    ]


def visible(error: GraphQLError, locale: Locale, *, mask_unexpected: bool) -> GraphQLError:
    if isinstance(error.original_error, UNAVAILABLE):
        return unavailable(error, locale)
    if isinstance(error.original_error, PermissionRefusal):
        return in_callers_language(error, locale)
    if mask_unexpected and is_unexpected(error):
        return masked(error, locale)
    if error.extensions and error.extensions.get("code") in _TRANSLATED_REFUSALS:
        return refusal_in_callers_language(error, locale)
    return error
