"""Refusals become `UserError`s; an infrastructure failure becomes SERVICE_UNAVAILABLE."""

from __future__ import annotations

import logging

import redis.exceptions
import sqlalchemy.exc
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.messages import error_message
from api.domain.vocabulary import Locale
from api.mail.sender import MailNotSent
from api.schema.enums import UserErrorCode
from api.schema.errors import UserError

log = logging.getLogger("api.resolvers")

# Failures of a dependency, not of the caller's input: answered cleanly, never as a stack trace.
UNAVAILABLE = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    TimeoutError,
    ConnectionError,
)

REFUSALS = (DomainError, MailNotSent, *UNAVAILABLE)


def to_user_error(error: FieldError, locale: Locale) -> UserError:
    retry_after = error.params.get("retry_after")
    return UserError(
        field=error.field,
        code=UserErrorCode[error.code.name],
        message=error_message(error, locale),
        retry_after_seconds=int(retry_after) if isinstance(retry_after, int) else None,
    )


def user_errors(refusal: BaseException, locale: Locale) -> list[UserError]:
    if isinstance(refusal, DomainError):
        return [to_user_error(e, locale) for e in refusal.errors]
    if isinstance(refusal, MailNotSent):
        return [to_user_error(FieldError(None, ErrorCode.MAIL_NOT_SENT), locale)]
    log.warning("dependency unavailable: %s", type(refusal).__name__)
    return [to_user_error(FieldError(None, ErrorCode.SERVICE_UNAVAILABLE), locale)]


def single_error(code: ErrorCode, locale: Locale, field: str | None = None) -> list[UserError]:
    return [to_user_error(FieldError(field, code), locale)]


def as_graphql_error(refusal: DomainError, locale: Locale) -> GraphQLError:
    """A query's refusal: a GraphQL error carrying the same code and field a mutation would."""
    first = refusal.errors[0]
    return GraphQLError(
        error_message(first, locale),
        extensions={"code": first.code.value, "field": first.field},
    )


def has_code(error: GraphQLError) -> bool:
    return bool(error.extensions and "code" in error.extensions)


def is_unexpected(error: GraphQLError) -> bool:
    """What escaped as an exception without a code (a bug), as opposed to validation errors and
    the errors our resolvers raise on purpose (they carry `extensions.code`)."""
    return error.original_error is not None and not has_code(error)


class DependencyErrors(MaskErrors):
    """A query whose resolver met a dependency failure (PostgreSQL or Redis down) answers a clean
    GraphQL error with code SERVICE_UNAVAILABLE instead of the exception's text."""

    # Production also hides unexpected errors (`ProductionErrors`); one extension does both.
    mask_unexpected: bool = False

    def __init__(self) -> None:
        # A class method, not a method of this instance: MaskErrors keeps the function, and a
        # bound method would make a reference cycle that keeps the whole request alive until
        # the garbage collector runs (api/resolvers/execution.py).
        super().__init__(should_mask_error=self._should_mask, error_message="Error inesperado.")

    @classmethod
    def _should_mask(cls, error: GraphQLError) -> bool:
        if isinstance(error.original_error, UNAVAILABLE):
            return True
        return cls.mask_unexpected and is_unexpected(error)

    def _process_result(self, result: object) -> None:
        # Strawberry checks the result against a runtime Protocol, which costs every request
        # tens of microseconds; a result has `errors` or it has none.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if not isinstance(error.original_error, UNAVAILABLE):
            return super().anonymise_error(error)
        context = self.execution_context.context
        locale = getattr(context, "locale", Locale.ES)
        log.warning("dependency unavailable: %s", type(error.original_error).__name__)
        return GraphQLError(
            message=error_message(FieldError(None, ErrorCode.SERVICE_UNAVAILABLE), locale),
            nodes=error.nodes,
            path=error.path,
            extensions={"code": ErrorCode.SERVICE_UNAVAILABLE.value},
        )


class ProductionErrors(DependencyErrors):
    """Dependency failures as above, and every unexpected error masked (`UserError`s and coded
    errors still reach the client)."""

    mask_unexpected = True
