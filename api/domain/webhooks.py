"""Partner webhooks: where a webhook may point, how a delivery is signed, how long it is retried.

Signatures follow Standard Webhooks (https://www.standardwebhooks.com): a secret `whsec_<base64>`,
the headers `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
"<id>.<timestamp>.<body>">`, so that a receiver verifies them with any of that spec's libraries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

from api.domain.errors import DomainError, ErrorCode, FieldError
from api.domain.messages import Detail

SECRET_PREFIX = "whsec_"  # noqa: S105 - the spec's prefix, not a secret
# The spec asks for 24 to 64 bytes of randomness.
SECRET_BYTES = 32
MAX_URL_LENGTH = 2000
IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network


class WebhookStatus(StrEnum):
    ACTIVE = "ACTIVE"
    # Nothing is sent; events keep being recorded and are delivered, in order, on resume.
    PAUSED = "PAUSED"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    # Retried for the whole retry window without success: kept for the partner to see and
    # redeliver; it no longer holds back the operator's later events.
    DEAD = "DEAD"


def new_signing_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value (scheme v1) of one attempt."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(*, secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
        "content-type": "application/json",
    }


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff (first pause `base`, doubling up to `longest`) for `window` after the
    first attempt; then the delivery is a dead letter."""

    base: timedelta
    longest: timedelta
    window: timedelta

    def pause_after(self, attempts: int) -> timedelta:
        pause: timedelta = self.base * 2 ** max(attempts - 1, 0)
        return min(pause, self.longest)

    def next_attempt(
        self, *, attempts: int, first_attempt_at: datetime, now: datetime
    ) -> datetime | None:
        """When to try again after `attempts` failures, or None: the window is over."""
        due = now + self.pause_after(attempts)
        return None if due > first_attempt_at + self.window else due


@dataclass(frozen=True, slots=True)
class Target:
    """A webhook's URL, taken apart."""

    url: str
    scheme: str
    host: str
    port: int


def parse_target(url: str, *, field: str = "url") -> Target:
    """The URL's shape alone (no DNS): absolute http(s), a host, no credentials in it."""
    value = url.strip()
    if not value:
        raise DomainError.single(field, ErrorCode.REQUIRED)
    if len(value) > MAX_URL_LENGTH:
        raise DomainError.single(field, ErrorCode.TOO_LONG, max_length=MAX_URL_LENGTH)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise _not_a_url(field) from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _not_a_url(field)
    if parts.username is not None or parts.password is not None:
        # Credentials in a URL end up in logs and lists; the signature authenticates instead.
        raise DomainError.single(
            field, ErrorCode.INVALID_FORMAT, expected=Detail.WEBHOOK_URL_WITHOUT_CREDENTIALS
        )
    return Target(
        url=value,
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or (443 if parts.scheme == "https" else 80),
    )


def _not_a_url(field: str) -> DomainError:
    return DomainError.single(field, ErrorCode.INVALID_FORMAT, expected=Detail.WEBHOOK_URL)


def literal_address(host: str) -> IPAddress | None:
    try:
        return ip_address(host)
    except ValueError:
        return None


def _plain(address: IPAddress) -> IPAddress:
    # ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address it carries.
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_internal(address: IPAddress) -> bool:
    """Loopback, private, link-local (cloud metadata at 169.254.169.254), and whatever else is
    not a public unicast address (unspecified, shared, reserved, multicast)."""
    plain = _plain(address)
    return (
        plain.is_loopback
        or plain.is_private
        or plain.is_link_local
        or plain.is_multicast
        or plain.is_unspecified
        or plain.is_reserved
        or not plain.is_global
    )


def target_refusals(
    target: Target,
    addresses: Iterable[IPAddress],
    *,
    allowed_internal: Iterable[IPNetwork],
    field: str = "url",
) -> list[FieldError]:
    """Why a request to `target`, whose host resolved to `addresses`, must not be sent.

    Every address counts (a name with one public and one internal address is refused: the
    connection may pick either). `allowed_internal` names internal networks accepted anyway
    (127.0.0.1 in tests); only targets entirely inside them may use plain HTTP.
    """
    resolved = [_plain(a) for a in addresses]
    if not resolved:
        return [FieldError(field, ErrorCode.TARGET_UNRESOLVABLE, {"host": target.host})]
    networks = tuple(allowed_internal)

    def allowed(address: IPAddress) -> bool:
        return any(address in network for network in networks)

    for address in resolved:
        if is_internal(address) and not allowed(address):
            return [FieldError(field, ErrorCode.TARGET_NOT_PUBLIC, {"address": str(address)})]
    if target.scheme != "https" and not all(allowed(a) for a in resolved):
        return [FieldError(field, ErrorCode.TARGET_NOT_HTTPS)]
    return []
