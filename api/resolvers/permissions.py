"""Who may call what, as Strawberry permission classes.

A caller whose bearer token could not be checked (Redis down) is neither signed in nor anonymous:
every permission answers SERVICE_UNAVAILABLE for it, never UNAUTHENTICATED.

On queries a refusal is a GraphQL error with `extensions.code`; on mutations it is the payload's
`errors` (see `PayloadPermissions`), so clients handle every refusal of a mutation one way.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission

from api.domain.errors import ErrorCode, FieldError
from api.domain.messages import error_message
from api.domain.partners import Scope
from api.resolvers.context import Info
from api.resolvers.errors import UNAVAILABLE, PermissionRefusal, single_error, user_errors


class _CodedPermission(BasePermission):
    code: ErrorCode = ErrorCode.FORBIDDEN
    error_class = PermissionRefusal

    def __init__(self) -> None:
        self.message = error_message(FieldError(None, self.code))
        self.error_extensions = {"code": self.code.value}


class IsAuthenticated(_CodedPermission):
    """A signed-in user (a valid bearer token)."""

    code = ErrorCode.UNAUTHENTICATED

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_credentials()
        return info.context.session is not None


class HasCredentials(_CodedPermission):
    """A valid credential of any kind (a session or a partner key): without one, what needs a
    caller answers UNAUTHENTICATED (sign in), not FORBIDDEN (which says the caller may not).
    Put before the permission that says who may."""

    code = ErrorCode.UNAUTHENTICATED

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_credentials()
        return info.context.session is not None or info.context.partner is not None


class IsSelfOrStaff(_CodedPermission):
    """The user itself (by `userId` argument), or customs staff."""

    code = ErrorCode.FORBIDDEN

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_credentials()
        return info.context.may_read_operator(str(kwargs.get("user_id", "")))


class IsStaff(_CodedPermission):
    """Customs staff (role STAFF)."""

    code = ErrorCode.FORBIDDEN

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_credentials()
        return info.context.is_staff


class IsPartnerWith(_CodedPermission):
    """A partner key holding `scope` (after `HasCredentials`): a signed-in user, or a key
    without it, is FORBIDDEN."""

    code = ErrorCode.FORBIDDEN

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self.scope = scope

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_credentials()
        partner = info.context.partner
        return partner is not None and self.scope in partner.scopes


class SecondFactorInProduction(_CodedPermission):
    """In production, a sign-in with a second factor as well as the password: what this guards
    disables user IDs (after `IsStaff`)."""

    code = ErrorCode.SECOND_FACTOR_REQUIRED

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.require_credentials()
        session = info.context.session
        if not info.context.services.settings.is_production:
            return True
        return session is not None and session.second_factor


class PayloadPermissions(FieldExtension):
    """Permission classes on a mutation, whose refusal is answered with the mutation's own
    payload (`errors`) instead of a GraphQL error: checked in order, the first refusal wins."""

    def __init__(self, permissions: list[BasePermission]) -> None:
        super().__init__()
        self.permissions = permissions

    def apply(self, field: Any) -> None:
        self.payload_type: Any = field.type

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        for permission in self.permissions:
            try:
                allowed = permission.has_permission(source, info, **kwargs)
                if inspect.isawaitable(allowed):
                    allowed = await allowed
            except UNAVAILABLE as refusal:
                return self.payload_type(errors=user_errors(refusal, info.context.locale))
            if not allowed:
                code = getattr(permission, "code", ErrorCode.FORBIDDEN)
                return self.payload_type(errors=single_error(code, info.context.locale))
        return await next_(source, info, **kwargs)
