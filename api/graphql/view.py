"""The GraphQL endpoint's view: Strawberry's ASGI view with the project's context (caller,
locale, client address, request id), JSON through orjson, WebSocket authentication, and the
HTTP status an SPA can act on (401 for a session that is gone).

Every request goes through Strawberry's own `run`; this class only overrides the hooks
Strawberry documents for that (`get_context`, `get_sub_response`, `create_response`,
`encode_json`, `decode_json`, `render_graphql_ide`, `should_render_graphql_ide`, `on_ws_connect`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import orjson
from cross_web import HTTPException  # Strawberry turns it into a plain HTTP error response
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry import UNSET
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import error_message, parse_locale
from api.domain.partners import is_partner_key
from api.domain.text_safety import contains_unsafe_text, json_may_hold_unsafe_text
from api.domain.vocabulary import Locale
from api.graphiql import page as graphiql_page
from api.graphql.schema import build_schema
from api.http_guards import scope_client_address
from api.observability.logs import request_id_var
from api.resolvers.context import Context
from api.resolvers.errors import UNAVAILABLE
from api.services.auth import resolve_token
from api.services.container import Services
from api.services.events import EventHub
from api.services.partner_keys import identify_partner
from api.settings import ProxyNetwork

log = logging.getLogger("api")

# Acknowledge `connection_init` without a payload.
UNSET_ACK: Any = UNSET


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
    """What resolvers may set on the answer (headers, a status), as Strawberry's own sub-response,
    and whether the request presented a bearer token that is not (or no longer) valid."""

    def __init__(self) -> None:
        super().__init__()
        self.status_code = None  # type: ignore[assignment] # Strawberry's "not set"
        del self.headers["content-length"]
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

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL served by this server alone (api/graphiql.py), not Strawberry's CDN page."""
        return graphiql_page()

    def should_render_graphql_ide(self, request: Any) -> bool:
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
        if json_may_hold_unsafe_text(data) and contains_unsafe_text(value):
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

    async def on_ws_connect(self, context: Context) -> Any:
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
