"""Where a stored operator becomes the public `Operator` (its parts, built only when selected, are in
api/resolvers/operator_fields.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from api.clock import as_utc
from api.domain.catalogs import Catalogs
from api.domain.operators import senae_email
from api.domain.vocabulary import Locale, RegistrationTypeCode
from api.persistence.operator_records import OperatorState
from api.resolvers.node_ids import operator_node_id
from api.schema.enums import (
    MobileCarrierCodeEnum,
    OperatorStatusEnum,
    RoleEnum,
)
from api.schema.history import PageInfo
from api.schema.operator import Operator


@dataclass(frozen=True, slots=True)
class PageArguments:
    """A connection's `first`, `after`, `last` and `before`, as the client sent them."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


class HasCursor(Protocol):
    @property
    def cursor(self) -> str: ...


def to_operator(row: OperatorState, *, catalogs: Catalogs, locale: Locale) -> Operator:
    return Operator(
        id=operator_node_id(row.user_id),
        user_id=row.user_id,
        role=RoleEnum[row.role],
        name=row.name,
        address=row.address,
        phone1=row.phone1,
        phone2=row.phone2,
        mobile_carrier=(MobileCarrierCodeEnum[row.mobile_carrier] if row.mobile_carrier else None),
        mobile_number=row.mobile_number,
        fax=row.fax,
        email=row.email,
        senae_email=senae_email(row.user_id),
        status=OperatorStatusEnum[row.status],
        version=row.version,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        last_update_at=as_utc(row.last_update_at) if row.last_update_at else None,
        status_reason=row.status_reason,
        employee_permission=(
            row.employee_permission
            if row.registration_type == RegistrationTypeCode.EMPLOYEE.value
            else None
        ),
        source=row,
        catalogs=catalogs,
        locale=locale,
    )


def page_info(
    edges: Sequence[HasCursor], *, has_previous_page: bool, has_next_page: bool
) -> PageInfo:
    """Where a page of a connection starts and ends (Relay's cursor connections)."""
    return PageInfo(
        has_next_page=has_next_page,
        has_previous_page=has_previous_page,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
