"""Partner systems' API keys and their scopes."""

from __future__ import annotations

import hashlib
import re
import secrets
from enum import StrEnum

from api.domain.errors import DomainError, ErrorCode
from api.domain.messages import Detail

KEY_PREFIX = "pk_"
# Shown in lists so that staff can tell keys apart without seeing them.
DISPLAY_PREFIX_LENGTH = 11
NAME_PATTERN = re.compile(r"^[\w .,&()-]{2,100}$")


class Scope(StrEnum):
    """What a key may do."""

    # `operatorEvents`: every operator's events, each with the operator's user ID, the event's
    # type and time, and the names of the fields that changed (not their values).
    EVENTS_READ = "events:read"
    # With events:read, the values too (old and new: names, addresses, e-mails, phones): only
    # for a partner whose agreement with SENAE covers personal data.
    EVENTS_READ_PII = "events:read:pii"
    # Register webhooks for this key: the same events as events:read, pushed to the partner's
    # HTTPS endpoint (values only with events:read:pii, as for the subscription).
    WEBHOOKS = "webhooks"


def sees_changed_values(scopes: frozenset[Scope]) -> bool:
    """Whether a partner's events carry the changed values (old and new) or only the names of
    the fields that changed: one rule for `operatorEvents` and for webhooks."""
    return Scope.EVENTS_READ_PII in scopes


def new_partner_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def is_partner_key(credential: str) -> bool:
    return credential.startswith(KEY_PREFIX)


def hash_partner_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_scopes(value: str | list[str]) -> frozenset[Scope]:
    raw = value.split(",") if isinstance(value, str) else value
    names = [item.strip() for item in raw if item.strip()]
    if not names:
        raise DomainError.single("scopes", ErrorCode.REQUIRED)
    try:
        return frozenset(Scope(name) for name in names)
    except ValueError:
        raise DomainError.single("scopes", ErrorCode.INVALID_CHOICE) from None


def granted_scopes(stored: str) -> frozenset[Scope]:
    """The scopes a stored key holds that this version knows. A scope written by a newer
    version (or by hand) grants nothing here, rather than failing every request of the key."""
    known = {scope.value for scope in Scope}
    return frozenset(Scope(name) for name in stored.split(",") if name.strip() in known)


def clean_partner_name(name: str) -> str:
    value = " ".join(name.split())
    if not value:
        raise DomainError.single("name", ErrorCode.REQUIRED)
    if not NAME_PATTERN.fullmatch(value):
        raise DomainError.single("name", ErrorCode.INVALID_FORMAT, expected=Detail.PARTNER_NAME)
    return value
