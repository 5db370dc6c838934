"""The GraphQL endpoint's view: Strawberry's ASGI view with the project's context (caller,
locale, client address, request id), JSON through orjson, WebSocket authentication, and a direct
path for the plain HTTP request.

**The direct path.** Nearly every request is one operation: a GET with `query` (or a persisted
query's `extensions`) in its query string, or a POST with a JSON object. Strawberry's view
answers them through steps made for every case it supports (content negotiation for streamed
subscriptions, multipart uploads, batches, the IDE), each paid by every request: a
`Content-Type` parsed through `email.message`, runtime protocol checks on the result, the
headers turned into a mapping more than once. `EcuapassGraphQL.run` answers such a request
itself, with Strawberry's own hooks (`get_sub_response`, `get_context`, `process_result`,
`create_response`) and Strawberry's answers to bad input (the same status codes and reasons),
and hands everything else to Strawberry's `run`: HEAD and other methods, the IDE, batches,
other content types, WebSocket handshakes. Measured on `me`: about 4 % of a request's
instructions (docs/performance.md).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Final, overload

import orjson
from cross_web import HTTPException  # Strawberry turns it into a plain HTTP error response
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import error_message, parse_locale
from api.domain.partners import is_partner_key
from api.domain.text_safety import contains_unsafe_text
from api.domain.vocabulary import Locale
from api.graphiql import page as graphiql_page
from api.http_guards import declares_json, scope_client_address
from api.observability.logs import request_id_var
from api.resolvers.caching import QUERY_CACHE_SIZE, BoundedCache
from api.resolvers.context import Context
from api.resolvers.errors import UNAVAILABLE
from api.schema.root import build_schema
from api.services.auth import resolve_token
from api.services.container import Services
from api.services.events import EventHub
from api.services.partner_keys import identify_partner
from api.settings import ProxyNetwork

log = logging.getLogger("api")

# Acknowledge `connection_init` without a payload.
UNSET_ACK: UnsetType = UNSET
# What each method may run: as Strawberry allows it (OperationType.from_http), less
# subscriptions, which this view serves over WebSocket only (an HTTP one would answer null).
ALLOWED_OPERATIONS: Final = {
    method: frozenset(OperationType.from_http(method)) - {OperationType.SUBSCRIPTION}
    for method in ("GET", "POST")
}
WEBSOCKET_PROTOCOLS: Final = frozenset({GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL})
# GET query strings without variables or extensions, parsed: front ends send the same few again
# and again, and decoding one costs more than looking it up.
PARSED_QUERY_STRINGS: Final = BoundedCache[bytes, GraphQLRequestData](QUERY_CACHE_SIZE)


def rejection(code: ErrorCode, locale: Locale) -> dict[str, object]:
    """Why a WebSocket was refused: graphql-transport-ws closes with 4403, graphql-ws sends
    `connection_error` with this payload."""
    return {"code": code.value, "message": error_message(FieldError(None, code), locale)}


def only_unauthenticated(response_data: GraphQLHTTPResponse) -> bool:
    errors = response_data.get("errors") or ()
    return bool(errors) and all(
        isinstance(error, dict)
        and (error.get("extensions") or {}).get("code") == ErrorCode.UNAUTHENTICATED.value
        for error in errors
    )


def bearer_token(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class SubResponse(Response):
    """What resolvers may set on the answer: headers, a status, background work. Strawberry's
    view builds a whole empty `Response` for it on every request (a body, a content length it
    then deletes); `create_response` reads only these three."""

    def __init__(self) -> None:
        self.status_code = None  # type: ignore[assignment] # Strawberry's "not set"
        self.background = None
        self.raw_headers = []
        # The request presented a bearer token that is not (or no longer) valid.
        self.token_rejected = False


class EcuapassGraphQL(GraphQL[Context, None]):
    """See the module."""

    def __init__(
        self,
        services: Services,
        hub: EventHub,
        *,
        allowed_origins: Sequence[str] = (),
        trusted_proxies: Sequence[ProxyNetwork] = (),
        production: bool = False,
        graphiql: bool = True,
    ) -> None:
        # `allowed_origins`: pages of other origins that may open the WebSocket (CORS_ORIGINS).
        super().__init__(
            build_schema(production=production),
            graphql_ide="graphiql" if graphiql else None,
            keep_alive=True,
            keep_alive_interval=15,
            allowed_origins=allowed_origins,
        )
        self.services = services
        self.hub = hub
        self.trusted_proxies = tuple(trusted_proxies)
        # Subscriptions over HTTP (SSE, multipart) would need the content negotiation.
        self.direct_path = set(self.protocols) <= WEBSOCKET_PROTOCOLS

    @overload
    async def run(
        self, request: Request, context: Context = UNSET, root_value: None = UNSET
    ) -> Response: ...

    @overload
    async def run(
        self, request: WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> WebSocket: ...

    async def run(
        self, request: Request | WebSocket, context: Context = UNSET, root_value: None = UNSET
    ) -> Response | WebSocket:
        if (
            self.direct_path
            and context is UNSET
            and root_value is UNSET
            and isinstance(request, Request)
        ):
            operation = await self.plain_operation(request)
            if operation is not None:
                return await self.run_plain(request, operation)
        return await super().run(request, context, root_value)

    async def plain_operation(self, request: Request) -> GraphQLRequestData | None:
        """The one operation a plain request carries, or None for whatever else Strawberry's
        view handles. Bad input gets Strawberry's own answer (HTTPException)."""
        method = request.method
        if method == "GET":
            raw_query = bytes(request.scope["query_string"])
            parsed = PARSED_QUERY_STRINGS.get(raw_query)
            if parsed is not None:
                return parsed
            params = request.query_params
            if "query" not in params and "extensions" not in params:
                return None  # the IDE, or Strawberry's answer to a GET without an operation
            data = self.parse_query_params(params)
        elif method == "POST":
            if not declares_json(request.headers.get("content-type")):
                return None  # Strawberry answers other bodies (and refuses most)
            data = self.parse_json(await request.body())
            if not isinstance(data, dict):
                return None  # a batch (the body is kept by the request for Strawberry)
        else:
            return None
        query = data.get("query")
        if not isinstance(query, str | None):
            raise HTTPException(
                400, "The GraphQL operation's `query` must be a string or null, if provided."
            )
        variables = data.get("variables")
        if not isinstance(variables, dict | None):
            raise HTTPException(
                400, "The GraphQL operation's `variables` must be an object or null, if provided."
            )
        extensions = data.get("extensions")
        if not isinstance(extensions, dict | None):
            raise HTTPException(
                400,
                "The GraphQL operation's `extensions` must be an object or null, if provided.",
            )
        operation = GraphQLRequestData(
            query=query,
            variables=variables,
            operation_name=data.get("operationName"),
            extensions=extensions,
        )
        if method == "GET" and query is not None and variables is None and extensions is None:
            # Nothing in it can be changed by whoever runs it: one copy serves every repeat.
            PARSED_QUERY_STRINGS.remember(raw_query, operation)
        return operation

    async def run_plain(self, request: Request, operation: GraphQLRequestData) -> Response:
        """What Strawberry's `run` and `execute_single` do for one operation over HTTP."""
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, response=sub_response)
        try:
            result = await self.schema.execute(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                operation_name=operation.operation_name,
                allowed_operation_types=ALLOWED_OPERATIONS[request.method],
                operation_extensions=operation.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                return self.subscription_refusal(context.locale)
            raise HTTPException(400, error.as_http_error_reason(request.method)) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error
        response_data = await self.process_result(request, result)
        if result.errors:
            self._handle_errors(result.errors, response_data)
        return self.create_response(response_data, sub_response)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """An answer whose only errors are UNAUTHENTICATED is HTTP 401 with the challenge of
        RFC 6750 (`error="invalid_token"` when a token was presented), so that a client's
        generic handling (an Apollo `onError` link, a fetch wrapper) can send the user to sign
        in."""
        if isinstance(response_data, dict) and only_unauthenticated(response_data):
            rejected = getattr(sub_response, "token_rejected", False)
            sub_response.status_code = 401
            sub_response.headers["WWW-Authenticate"] = (
                'Bearer realm="ecuapass", error="invalid_token"'
                if rejected
                else 'Bearer realm="ecuapass"'
            )
        return super().create_response(response_data, sub_response)

    def subscription_refusal(self, locale: Locale) -> Response:
        """A subscription sent over HTTP (e.g. Apollo's multipart subscriptions): a coded error
        saying where subscriptions are served."""
        error = FieldError(None, ErrorCode.SUBSCRIPTION_NEEDS_WEBSOCKET)
        body = {
            "data": None,
            "errors": [
                {
                    "message": error_message(error, locale),
                    "extensions": {"code": ErrorCode.SUBSCRIPTION_NEEDS_WEBSOCKET.value},
                }
            ],
        }
        return Response(
            self.encode_json(body),
            status_code=400,
            media_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL served by this server alone (api/graphiql.py), not Strawberry's CDN page."""
        return graphiql_page()

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """GraphiQL for a browser's GET without a query, but not for a GET that names a persisted
        query by its hash (`extensions`): that one is an operation."""
        return (
            super().should_render_graphql_ide(request)
            and request.query_params.get("extensions") is None
        )

    def encode_json(self, data: object) -> str:
        # Text, not bytes: Strawberry sends bytes as binary WebSocket frames, and the GraphQL
        # over WebSocket protocols (and every client of them: graphql-ws, Apollo, gql, browsers)
        # expect JSON in text frames.
        return orjson.dumps(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        """A body must be a JSON object (or a batch list); numbers too long, nesting too deep and
        unencodable text are refused with 400 instead of failing inside the parser."""
        try:
            value = json.loads(data)
        except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
            raise HTTPException(400, "Unable to parse request body as JSON") from error
        if not isinstance(value, dict | list):
            raise HTTPException(400, "The request body must be a JSON object")
        if contains_unsafe_text(value):
            raise HTTPException(400, "Text with NUL or unpaired surrogates is not accepted")
        return value

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        return SubResponse()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        context = Context(
            services=self.services,
            request=request,
            response=response,
            locale=parse_locale(request.headers.get("accept-language")),
            client_address=scope_client_address(request.scope, self.trusted_proxies),
            hub=self.hub,
            request_id=request_id_var.get(),
        )
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            return context
        try:
            context.partner = await identify_partner(self.services, token)
            if context.partner is None:
                context.sign_in(await resolve_token(self.services, token))
                if context.session is None:
                    context.token_rejected = True
                    if isinstance(response, SubResponse):
                        response.token_rejected = True
        except UNAVAILABLE as error:
            # Not a reason to fail the whole request: public fields still answer, and whatever
            # needs the caller answers SERVICE_UNAVAILABLE (Context.require_credentials).
            log.warning("credentials could not be checked: %s", type(error).__name__)
            context.credentials_unavailable = True
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        credential = params.get("authorization", params.get("Authorization"))
        if credential is None:
            return UNSET_ACK
        token = bearer_token(credential)
        try:
            if token is not None and is_partner_key(token):
                partner = await identify_partner(self.services, token)
                if partner is None:
                    raise ConnectionRejectionError(
                        rejection(ErrorCode.UNAUTHENTICATED, context.locale)
                    )
                context.partner = partner
                return UNSET_ACK
            signed_in = await resolve_token(self.services, token)
        except UNAVAILABLE as error:
            raise ConnectionRejectionError(
                rejection(ErrorCode.SERVICE_UNAVAILABLE, context.locale)
            ) from error
        if signed_in is None:
            raise ConnectionRejectionError(rejection(ErrorCode.UNAUTHENTICATED, context.locale))
        context.sign_in(signed_in)
        return UNSET_ACK
