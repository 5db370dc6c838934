"""Operations sent over a WebSocket are judged like HTTP requests, one by one.

A connection is authenticated and counted once, when it opens; it may then carry any number of
operations for as long as it stays open. So each operation spends the client address's request
budget, as an HTTP request does, and finds the caller's session checked again: the account may
have been disabled, or its password changed, since the connection opened.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from graphql import ExecutionResult, GraphQLError
from starlette.websockets import WebSocket

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import error_message
from api.resolvers.context import Context
from api.resolvers.errors import UNAVAILABLE
from api.services.auth import operator_if_session_counts

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

log = logging.getLogger("api.websocket")


def _refused(context: Context, code: ErrorCode, **params: object) -> ExecutionResult:
    extensions: dict[str, object] = {"code": code.value}
    if "retry_after" in params:
        extensions["retryAfterSeconds"] = params["retry_after"]
    message = error_message(FieldError(None, code, params), context.locale)
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions=extensions)])


async def websocket_refusal(execution: ExecutionContext) -> ExecutionResult | None:
    """See the module: None for an HTTP request, or a WebSocket operation that may run."""
    context = execution.context
    if not (isinstance(context, Context) and isinstance(context.request, WebSocket)):
        return None
    services = context.services
    budget = services.request_budget
    try:
        if budget is not None:
            state = await budget.hit(context.client_address)
            if state.exceeded(budget.limit):
                return _refused(context, ErrorCode.RATE_LIMITED, retry_after=state.retry_after)
        if context.session is not None:
            operator = await operator_if_session_counts(services, context.session)
            if operator is None:
                context.sign_in(None)
                return _refused(context, ErrorCode.UNAUTHENTICATED)
            context.operation_checked(operator)
    except UNAVAILABLE as error:
        log.warning("websocket operation not checked: %s", type(error).__name__)
        return _refused(context, ErrorCode.SERVICE_UNAVAILABLE)
    return None
