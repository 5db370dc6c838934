"""A webhook's payload: its subscription document, executed on one event as `operatorEvents` would
yield it (Saleor's subscription webhook payloads, on Strawberry).

The event object is the one the subscription builds (`events.to_event`), with or without the
changed values by the same rule, so a webhook shows exactly what the key's subscription shows.
The document runs on a schema of its own made of the same types: only `operatorEvents`' selection
is executed, without the request machinery (limits, persisted queries, caching) of `/graphql`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

import strawberry
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, parse
from graphql import OperationType as AstOperationType

from api.domain.changes import EventType
from api.domain.errors import DomainError, ErrorCode
from api.domain.events import OperatorEventData
from api.domain.messages import Detail
from api.resolvers.events import to_event

DEFAULT_DOCUMENT = (
    "subscription { operatorEvents { id cursor type userId occurredAt actor "
    "changes { field old new secret } } }"
)
MAX_DOCUMENT_LENGTH = 10_000
# A document of this size cannot ask for much more than every field of the event.
MAX_DOCUMENT_TOKENS = 1000
ROOT_FIELD = "operatorEvents"


class PayloadFailed(Exception):
    """The document could not be executed on an event."""


@strawberry.type(description="Unused: a schema needs a query type.")
class _PayloadQuery:
    ok: bool = strawberry.field(default=True, description="Always true.")


class _PayloadSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Not logged: an error here is a refused document (answered to the partner) or a failed
        delivery (recorded on it)."""


@cache
def payload_schema() -> strawberry.Schema:
    from api.schema.event_operations import Subscription

    return _PayloadSchema(query=_PayloadQuery, subscription=Subscription)


async def render(
    event: OperatorEventData, document: str | None, with_values: bool
) -> dict[str, Any]:
    """The data of one delivery: the document's result for this event."""
    result = await payload_schema().execute(
        document or DEFAULT_DOCUMENT,
        # Only subscription documents are stored (`check_document`); Strawberry's default set of
        # operation types admits them.
        root_value=to_event(event, with_values=with_values),
    )
    if result.errors:
        raise PayloadFailed(result.errors[0].message)
    assert result.data is not None
    return result.data


def _refuse(reason: Detail | str) -> DomainError:
    """`reason`: one of ours, translated; or the parser's or the schema's own message, which
    graphql-core gives in English only."""
    return DomainError.single("subscription", ErrorCode.INVALID_DOCUMENT, reason=reason)


SAMPLE_EVENT = OperatorEventData(
    sequence=1,
    event_id=str(uuid.UUID(int=0)),
    event_type=EventType.OPERATOR_UPDATED.value,
    operator_id=0,
    user_id="EJEMPLO",
    actor="SYSTEM",
    occurred_at=datetime(2027, 1, 15, tzinfo=UTC),
    changes=({"field": "address", "old": "a", "new": "b"},),
)


async def check_document(text: str | None) -> str | None:
    """The document to store (None: the default payload), refused unless it is one subscription
    selecting `operatorEvents` alone, without arguments or variables, valid against the schema."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_DOCUMENT_LENGTH:
        raise DomainError.single("subscription", ErrorCode.TOO_LONG, max_length=MAX_DOCUMENT_LENGTH)
    try:
        document = parse(text, max_tokens=MAX_DOCUMENT_TOKENS)
    except GraphQLError as error:
        raise _refuse(error.message) from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation is not AstOperationType.SUBSCRIPTION:
        raise _refuse(Detail.NOT_ONE_SUBSCRIPTION)
    operation = operations[0]
    if operation.variable_definitions:
        raise _refuse(Detail.DOCUMENT_HAS_VARIABLES)
    selections = operation.selection_set.selections
    if (
        len(selections) != 1
        or not isinstance(selections[0], FieldNode)
        or selections[0].name.value != ROOT_FIELD
    ):
        raise _refuse(Detail.NOT_OPERATOR_EVENTS_ALONE)
    if selections[0].arguments:
        # The webhook's eventTypes filter the events; `after` has no meaning for a push.
        raise _refuse(Detail.OPERATOR_EVENTS_WITH_ARGUMENTS)
    try:
        await render(SAMPLE_EVENT, text, True)
    except PayloadFailed as failure:
        raise _refuse(str(failure)) from None
    return text
