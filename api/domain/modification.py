"""What a successful "Modificar" (§5.6–§5.7) changes: the plan the service writes in one go."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from api.domain.changes import Change, EventType
from api.domain.forms import INPUT_FIELD_NAMES, CleanForm

# The stored columns "Modificar" may change, with their form field names.
PROFILE_COLUMNS: tuple[str, ...] = (
    "name",
    "country_code",
    "province_code",
    "city_code",
    "address",
    "phone1",
    "phone2",
    "mobile_carrier",
    "mobile_number",
    "fax",
)

# The security code's purpose for this flow (codes of other purposes are not interchangeable).
MODIFY_PURPOSE = "modify"


@dataclass(frozen=True, slots=True)
class ModificationPlan:
    profile_changes: tuple[Change, ...]
    email_change: Change | None
    password_changed: bool
    new_values: Mapping[str, object]

    @property
    def audit_changes(self) -> tuple[Change, ...]:
        extra: list[Change] = []
        if self.email_change is not None:
            extra.append(self.email_change)
        if self.password_changed:
            extra.append(Change("password", None, None, secret=True))
        return (*self.profile_changes, *extra)

    def events(self) -> list[tuple[EventType, tuple[Change, ...]]]:
        """OPERATOR_UPDATED always (the update itself confirms the data, which the yearly duty
        counts), plus EMAIL_CHANGED and PASSWORD_CHANGED when they apply."""
        events: list[tuple[EventType, tuple[Change, ...]]] = [
            (EventType.OPERATOR_UPDATED, self.profile_changes)
        ]
        if self.email_change is not None:
            events.append((EventType.EMAIL_CHANGED, (self.email_change,)))
        if self.password_changed:
            events.append(
                (EventType.PASSWORD_CHANGED, (Change("password", None, None, secret=True),))
            )
        return events


def _stored(value: object) -> object:
    return getattr(value, "value", value)  # enums are stored as their value


def plan_modification(*, current: Mapping[str, object], form: CleanForm) -> ModificationPlan:
    """Compare the stored registration with a clean form."""
    new_values: dict[str, object] = {
        column: _stored(getattr(form, column)) for column in PROFILE_COLUMNS
    }
    profile_changes = tuple(
        Change(INPUT_FIELD_NAMES[column], current.get(column), new_values[column])
        for column in PROFILE_COLUMNS
        if current.get(column) != new_values[column]
    )
    email_change = None
    if form.email is not None and form.email != current.get("email"):
        email_change = Change("email", current.get("email"), form.email)
        new_values["email"] = form.email
    return ModificationPlan(
        profile_changes=profile_changes,
        email_change=email_change,
        password_changed=form.new_password is not None,
        new_values=new_values,
    )
