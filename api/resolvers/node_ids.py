"""Global ids (Relay's global object identification): every entity with an identity has one,
made of its GraphQL type's name and its own key, base64-encoded as Strawberry's relay helpers
encode them, so that clients treat it as opaque and the server can tell which type it names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import strawberry
from strawberry.relay import from_base64, to_base64

from api.domain.cursors import parse_id
from api.domain.messages import Detail

# The type names under which global ids are minted: the GraphQL types that implement `Node`.
OPERATOR_NODE: Final = "Operator"
DEREGISTRATION_NODE: Final = "DeregistrationRequest"
EVENT_NODE: Final = "OperatorEvent"
HISTORY_NODE: Final = "HistoryEntry"
PARTNER_KEY_NODE: Final = "PartnerKey"
AGREEMENT_NODE: Final = "ElectronicChannelsAgreement"
WEBHOOK_NODE: Final = "Webhook"
WEBHOOK_DELIVERY_NODE: Final = "WebhookDelivery"

# What a mutation's NOT_FOUND names when the id it was given names nothing of its type.
_NOT_FOUND_DETAILS: Final[Mapping[str, Detail]] = {
    DEREGISTRATION_NODE: Detail.DEREGISTRATION_REQUEST,
    PARTNER_KEY_NODE: Detail.PARTNER_KEY,
    WEBHOOK_NODE: Detail.WEBHOOK,
    WEBHOOK_DELIVERY_NODE: Detail.WEBHOOK_DELIVERY,
}


def node_id(type_name: str, key: str | int) -> strawberry.ID:
    """A global id (Relay): the type and the entity's own key, encoded so that clients treat it
    as opaque. The key never changes, so neither does the id."""
    return strawberry.ID(to_base64(type_name, key))


def key_of_node_id(value: str, type_name: str) -> str | None:
    """The entity key a global id of `type_name` carries; None for anything else (another type,
    or not an id this API gave)."""
    try:
        found, key = from_base64(value)
    except (ValueError, TypeError):
        return None
    return key if found == type_name and key else None


def type_of_node_id(value: str) -> str | None:
    try:
        return from_base64(value)[0]
    except (ValueError, TypeError):
        return None


def number_of_node_id(value: str, type_name: str, *, field: str) -> int:
    """The record number of a global id of `type_name`, as a mutation's argument takes it: an id
    of another type, or not an id at all, names nothing (NOT_FOUND on `field`)."""
    what = _NOT_FOUND_DETAILS.get(type_name, Detail.RECORD)
    return parse_id(key_of_node_id(value, type_name) or "", field=field, what=what)


def operator_node_id(user_id: str) -> strawberry.ID:
    """The operator's global id: its user ID, which never changes (§4.1.4), under its type."""
    return node_id(OPERATOR_NODE, user_id)
