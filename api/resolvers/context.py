"""The per-request context: services, the caller, the language of messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from api.domain.vocabulary import Locale, Role
from api.persistence.operator_records import OperatorRecord
from api.persistence.sessions import SessionData
from api.resolvers.loaders import Loaders
from api.services.auth import SignedIn
from api.services.container import Services
from api.services.events import EventHub
from api.services.partner_keys import PartnerIdentity


class CredentialsUnavailable(ConnectionError):
    """The bearer token could not be checked: the session store (Redis) or, for a partner key,
    the database did not answer. A dependency failure, answered as SERVICE_UNAVAILABLE by
    whatever needed the caller; public fields still answer."""


@dataclass
class Context:
    services: Services
    request: Request | WebSocket
    response: Response | WebSocket | None
    locale: Locale
    client_address: str
    session: SessionData | None = None
    # True when a bearer token came but could not be checked (see `CredentialsUnavailable`).
    credentials_unavailable: bool = False
    # True when a bearer token came and is not valid (unknown, expired, revoked, or its account
    # disabled since): the caller is anonymous, and `me` says UNAUTHENTICATED instead of null.
    token_rejected: bool = False
    partner: PartnerIdentity | None = None
    hub: EventHub | None = None
    # The X-Request-ID of this HTTP request or WebSocket connection (api/observability).
    request_id: str | None = None
    # Filled by Strawberry from the WebSocket `connection_init` payload.
    connection_params: dict[str, Any] | None = None
    _caller: OperatorRecord | None = field(default=None, repr=False)
    _loaders: Loaders | None = field(default=None, repr=False)

    @property
    def loaders(self) -> Loaders:
        """Made on first use: most requests (`me`, a mutation) never batch anything."""
        if self._loaders is None:
            self._loaders = Loaders(self.services)
        return self._loaders

    def require_credentials(self) -> None:
        """Refuses to go on as anonymous when the caller's token could not be checked."""
        if self.credentials_unavailable:
            raise CredentialsUnavailable("the bearer token could not be checked")

    @property
    def is_staff(self) -> bool:
        return self.session is not None and self.session.role == Role.STAFF.value

    def may_read_operator(self, user_id: str) -> bool:
        """An operator's registration is read by the operator itself or by customs staff."""
        session = self.session
        if session is None:
            return False
        return self.is_staff or session.user_id.lower() == user_id.strip().lower()

    def sign_in(self, signed_in: SignedIn | None) -> None:
        """The caller, as its token was checked (the operator's row read to check it serves the
        request's resolvers too)."""
        if signed_in is None:
            self.session = None
            self._caller = None
            return
        self.session = signed_in.session
        self._caller = signed_in.operator

    def caller(self) -> OperatorRecord | None:
        """The signed-in operator's record, as the check of the caller's session read it: once
        per HTTP request, and again for each operation of a WebSocket connection, which carries
        many over a long time (api/graphql/websocket_operations.py)."""
        self.require_credentials()
        if self.session is None:
            return None
        return self._caller

    def operation_checked(self, operator: OperatorRecord) -> None:
        """The record the session's check read for a WebSocket operation: the operation's
        resolvers see the registration as it is now, not as it was when the connection opened."""
        self._caller = operator


Info = StrawberryInfo[Context, None]
