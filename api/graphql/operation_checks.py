"""The checks every operation passes before its resolvers run: text without NUL or unpaired
surrogates (api/graphql/limits.py), subscriptions only over WebSocket
(api/graphql/request_errors.py), and a WebSocket operation's own budget and session check
(api/graphql/websocket_operations.py). The first refusal is the operation's answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import ExecutionResult

from api.graphql.limits import unsafe_text_refusal
from api.graphql.request_errors import http_subscription_refusal
from api.graphql.websocket_operations import websocket_refusal

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext


async def operation_refusal(execution: ExecutionContext) -> ExecutionResult | None:
    """The answer that refuses the operation, or None when it may run."""
    return (
        unsafe_text_refusal(execution)
        or http_subscription_refusal(execution)
        or await websocket_refusal(execution)
    )
