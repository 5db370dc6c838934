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


class DependencyErrors(MaskErrors):
    """A query whose resolver met a dependency failure (PostgreSQL or Redis down) answers a clean
    GraphQL error with code SERVICE_UNAVAILABLE instead of the exception's text."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._is_unavailable)

    @staticmethod
    def _is_unavailable(error: GraphQLError) -> bool:
        return isinstance(error.original_error, UNAVAILABLE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        locale = getattr(context, "locale", Locale.ES)
        log.warning("dependency unavailable: %s", type(error.original_error).__name__)
        return GraphQLError(
            message=error_message(FieldError(None, ErrorCode.SERVICE_UNAVAILABLE), locale),
            nodes=error.nodes,
            path=error.path,
            extensions={"code": ErrorCode.SERVICE_UNAVAILABLE.value},
        )
