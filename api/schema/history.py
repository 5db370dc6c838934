"""An operator's change history (the audit trail)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from api.schema.agreement_signer import AgreementSigner
from api.schema.node import Node


@strawberry.type(description="One field a change touched.")
class FieldChange:
    field: str = strawberry.field(description="The field's name (as in `ModifyOperatorInput`).")
    old: JSON | None = strawberry.field(
        description=(
            "The value before (null for secrets; in `operatorEvents`, null for partner keys "
            "without the scope events:read:pii)."
        )
    )
    new: JSON | None = strawberry.field(
        description=(
            "The value after (null for secrets; in `operatorEvents`, null for partner keys "
            "without the scope events:read:pii)."
        )
    )
    secret: bool = strawberry.field(
        description="True for the password: recorded as changed, never its value."
    )


@strawberry.type(description="Who made a change.")
class ChangeActor:
    kind: str = strawberry.field(description="USER (the operator), STAFF or SYSTEM.")
    user_id: str | None = strawberry.field(description="The user ID of the person, if any.")


@strawberry.type(description="One entry of the history.")
class HistoryEntry(Node):
    id: strawberry.ID = strawberry.field(
        description="Its global id (Node): opaque and stable, one per entry."
    )
    occurred_at: datetime = strawberry.field(description="When.")
    actor: ChangeActor = strawberry.field(description="Who.")
    operation: str = strawberry.field(description="What: REGISTER, MODIFY, ...")
    changes: list[FieldChange] = strawberry.field(description="The fields changed, old and new.")
    signer: AgreementSigner | None = strawberry.field(
        default=None,
        description=(
            "For a SIGN_AGREEMENT entry: who signed, as the signing certificate names the holder "
            "(cédula, name, position, company RUC, kind, certification authority)."
        ),
    )


@strawberry.type(description="An entry with its cursor.")
class HistoryEdge:
    cursor: str = strawberry.field(
        description="Pass as `after` to read older entries, as `before` for newer ones."
    )
    node: HistoryEntry = strawberry.field(description="The entry.")


@strawberry.type(description="Where a page ends.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description=(
            "Whether edges follow this page: with `first`, edges after it within `before`; "
            "with `last`, edges at or after the `before` cursor."
        )
    )
    has_previous_page: bool = strawberry.field(
        description=(
            "Whether edges come before this page: with `last`, edges before it within `after`; "
            "with `first`, edges at or before the `after` cursor."
        )
    )
    start_cursor: str | None = strawberry.field(description="The cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="The cursor of the last edge.")


@strawberry.type(description="A page of history, newest first.")
class OperatorHistoryConnection:
    edges: list[HistoryEdge] = strawberry.field(description="The entries of this page.")
    page_info: PageInfo = strawberry.field(description="Paging.")
