"""What a change did to an operator: the fields with their old and new values, and its events."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    """The events partners follow (and the audit trail's operations map onto)."""

    OPERATOR_REGISTERED = "OPERATOR_REGISTERED"
    OPERATOR_UPDATED = "OPERATOR_UPDATED"
    EMAIL_CHANGED = "EMAIL_CHANGED"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"
    # "Reiniciar clave": a new password set with an e-mailed code, without the old one.
    PASSWORD_RESET = "PASSWORD_RESET"
    AGREEMENT_SIGNED = "AGREEMENT_SIGNED"
    DEREGISTRATION_REQUESTED = "DEREGISTRATION_REQUESTED"
    DEREGISTRATION_DECIDED = "DEREGISTRATION_DECIDED"
    OPERATOR_DISABLED = "OPERATOR_DISABLED"
    OPERATOR_REACTIVATED = "OPERATOR_REACTIVATED"


@dataclass(frozen=True, slots=True)
class Change:
    """A field's old and new value. A secret (the password) is recorded as changed, valueless."""

    field: str
    old: Any
    new: Any
    secret: bool = False

    def as_dict(self) -> dict[str, Any]:
        if self.secret:
            return {"field": self.field, "old": None, "new": None, "secret": True}
        return {"field": self.field, "old": self.old, "new": self.new}
