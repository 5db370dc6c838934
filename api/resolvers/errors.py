"""Refusals become `UserError`s; an infrastructure failure becomes SERVICE_UNAVAILABLE."""

from __future__ import annotations

import logging

import redis.exceptions
import sqlalchemy.exc
from graphql import GraphQLError

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


class PermissionRefusal(GraphQLError):
    """A permission class's refusal of a query field. One permission object serves every
    request, so it can only carry the Spanish message; the error masking
    (api/graphql/masking.py) says it again in the caller's language."""


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
