"""The checks every operation passes before its resolvers run, in one schema extension (Strawberry
asks every extension for each of its hooks on every request, so fewer extensions cost less):
text without NUL or unpaired surrogates (api/graphql/limits.py), subscriptions only over
WebSocket (api/graphql/request_errors.py), and a WebSocket operation's own budget and session
check (api/graphql/websocket_operations.py). The first refusal is the operation's answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension

from api.graphql.limits import unsafe_text_refusal
from api.graphql.request_errors import http_subscription_refusal
from api.graphql.websocket_operations import websocket_refusal


class OperationChecks(SchemaExtension):
    """See the module."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if execution.result is None:
            execution.result = (
                unsafe_text_refusal(execution)
                or http_subscription_refusal(execution)
                or await websocket_refusal(execution)
            )
        yield
