"""Partner events: what an event carries, and its cursor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from api.domain.cursors import MAX_SEQUENCE, decode_cursor, encode_cursor

CURSOR_KIND = "event"


@dataclass(frozen=True, slots=True)
class OperatorEventData:
    sequence: int
    event_id: str
    event_type: str
    operator_id: int
    user_id: str
    actor: str
    occurred_at: datetime
    changes: tuple[dict[str, Any], ...]

    @property
    def cursor(self) -> str:
        return event_cursor(self.sequence)

    def to_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "id": self.event_id,
            "type": self.event_type,
            "operator_id": self.operator_id,
            "user_id": self.user_id,
            "actor": self.actor,
            "occurred_at": self.occurred_at.isoformat(),
            "changes": list(self.changes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OperatorEventData:
        return cls(
            sequence=int(data["sequence"]),
            event_id=str(data["id"]),
            event_type=str(data["type"]),
            operator_id=int(data["operator_id"]),
            user_id=str(data["user_id"]),
            actor=str(data["actor"]),
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
            changes=tuple(data["changes"]),
        )


def event_cursor(sequence: int) -> str:
    """Opaque to clients, totally ordered (it wraps the outbox sequence)."""
    return encode_cursor(CURSOR_KIND, sequence)


def sequence_of(cursor: str) -> int:
    return decode_cursor(CURSOR_KIND, cursor, maximum=MAX_SEQUENCE)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Who sees what: a partner (operator_id None) sees everyone's events, a user its own."""

    operator_id: int | None
    types: frozenset[str] | None

    def matches(self, event: OperatorEventData) -> bool:
        if self.operator_id is not None and event.operator_id != self.operator_id:
            return False
        return self.types is None or event.event_type in self.types
