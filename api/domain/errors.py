"""Typed domain errors: every refusal names a field (or none) and one code of `ErrorCode`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """The one list of error codes; the schema exposes it as `UserErrorCode`, `messages` translates it."""

    # Form input (§4.2.2 and §5.5.1)
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    TOO_SHORT = "TOO_SHORT"
    INVALID_FORMAT = "INVALID_FORMAT"
    INVALID_CHOICE = "INVALID_CHOICE"
    CITY_NOT_IN_PROVINCE = "CITY_NOT_IN_PROVINCE"
    NOT_ALLOWED = "NOT_ALLOWED"
    MISMATCH = "MISMATCH"
    INVALID_IDENTIFICATION = "INVALID_IDENTIFICATION"
    IDENTIFICATION_NOT_ACCEPTED = "IDENTIFICATION_NOT_ACCEPTED"
    NAME_NOT_A_CORRECTION = "NAME_NOT_A_CORRECTION"
    INVALID_EMAIL = "INVALID_EMAIL"
    PASSWORD_TOO_SHORT = "PASSWORD_TOO_SHORT"
    PASSWORD_TOO_COMMON = "PASSWORD_TOO_COMMON"
    PASSWORD_CONTAINS_IDENTITY = "PASSWORD_CONTAINS_IDENTITY"
    PASSWORD_FIELDS_INCOMPLETE = "PASSWORD_FIELDS_INCOMPLETE"
    WRONG_CURRENT_PASSWORD = "WRONG_CURRENT_PASSWORD"
    # Uniqueness and state
    DUPLICATE = "DUPLICATE"
    USER_ID_TAKEN = "USER_ID_TAKEN"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    EMAIL_RESERVED = "EMAIL_RESERVED"
    EMAIL_IS_CURRENT = "EMAIL_IS_CURRENT"
    EMAIL_NOT_RESERVED = "EMAIL_NOT_RESERVED"
    EMAIL_ALREADY_VERIFIED = "EMAIL_ALREADY_VERIFIED"
    CONFLICT = "CONFLICT"
    NOT_FOUND = "NOT_FOUND"
    # Security code (§5.5.1 "Código de seguridad")
    CODE_INVALID = "CODE_INVALID"
    CODE_EXPIRED = "CODE_EXPIRED"
    CODE_LOCKED = "CODE_LOCKED"
    CODE_RECENTLY_SENT = "CODE_RECENTLY_SENT"
    MAIL_NOT_SENT = "MAIL_NOT_SENT"
    # Lifecycle: deregistration (§5.8) and the electronic-channels agreement
    DEREGISTRATION_PENDING = "DEREGISTRATION_PENDING"
    NO_PENDING_DEREGISTRATION = "NO_PENDING_DEREGISTRATION"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    UNKNOWN_VERSION = "UNKNOWN_VERSION"
    ALREADY_PUBLISHED = "ALREADY_PUBLISHED"
    DUTY_NOT_OVER = "DUTY_NOT_OVER"
    ALREADY_ACTIVE = "ALREADY_ACTIVE"
    DEREGISTERED = "DEREGISTERED"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    UNTRUSTED_CERTIFICATE = "UNTRUSTED_CERTIFICATE"
    CERTIFICATE_EXPIRED = "CERTIFICATE_EXPIRED"
    CERTIFICATE_NOT_FOR_SIGNING = "CERTIFICATE_NOT_FOR_SIGNING"
    SIGNER_MISMATCH = "SIGNER_MISMATCH"
    RUC_NOT_ACTIVE = "RUC_NOT_ACTIVE"
    # Sign-in, permissions, limits
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    OTP_REQUIRED = "OTP_REQUIRED"
    OTP_INVALID = "OTP_INVALID"
    SECOND_FACTOR_REQUIRED = "SECOND_FACTOR_REQUIRED"
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    PERMISSION_NOT_GRANTED = "PERMISSION_NOT_GRANTED"
    RATE_LIMITED = "RATE_LIMITED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    SUBSCRIBER_TOO_SLOW = "SUBSCRIBER_TOO_SLOW"
    TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
    SUBSCRIPTION_NEEDS_WEBSOCKET = "SUBSCRIPTION_NEEDS_WEBSOCKET"
    # Partner webhooks: where they may point, what they may select
    TARGET_NOT_HTTPS = "TARGET_NOT_HTTPS"
    TARGET_NOT_PUBLIC = "TARGET_NOT_PUBLIC"
    TARGET_UNRESOLVABLE = "TARGET_UNRESOLVABLE"
    INVALID_DOCUMENT = "INVALID_DOCUMENT"
    TOO_MANY_WEBHOOKS = "TOO_MANY_WEBHOOKS"
    # Automatic persisted queries (the client sends a query's hash instead of its text)
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_INVALID = "PERSISTED_QUERY_INVALID"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One refusal: `field` is the input field it concerns (None for the whole operation)."""

    field: str | None
    code: ErrorCode
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)


class DomainError(Exception):
    """Raised by domain and persistence code to refuse an operation; carries every error found."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__(", ".join(f"{e.field}:{e.code}" for e in self.errors))

    @classmethod
    def single(cls, field_name: str | None, code: ErrorCode, **params: object) -> DomainError:
        return cls([FieldError(field_name, code, params)])
