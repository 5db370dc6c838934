"""The rest of an operator's life: "Solicitud de baja" (§5.8), the electronic-channels agreement
(the guide's step 6), and the yearly update of resolution SENAE-DGN-2016-0364-RE."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from api.domain.errors import DomainError, ErrorCode
from api.domain.names import has_control_characters

# The yearly duty runs on Ecuador's calendar, whatever the server's time zone.
ECUADOR_TZ = ZoneInfo("America/Guayaquil")
DUTY_MONTH = 1  # January
REASON_MAX_LENGTH = 500
AGREEMENT_MAX_LENGTH = 100_000
# An agreement is a legal text of clauses, not a line: shorter than this is a mistake.
AGREEMENT_MIN_LENGTH = 200


class DeregistrationStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


class AnnualUpdateStatus(StrEnum):
    UP_TO_DATE = "UP_TO_DATE"
    DUE = "DUE"
    OVERDUE = "OVERDUE"
    DISABLED = "DISABLED"


def clean_reason(value: str, *, field: str = "reason") -> str:
    """A free-text reason (§5.8 "Escribir el motivo"): trimmed, not blank, bounded."""
    reason = " ".join(value.split())
    # Invisible characters alone (bidi marks, zero-width spaces) are no reason either.
    if not "".join(c for c in reason if unicodedata.category(c) not in {"Cf", "Zs"}):
        raise DomainError.single(field, ErrorCode.REQUIRED)
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError.single(field, ErrorCode.TOO_LONG, max_length=REASON_MAX_LENGTH)
    if has_control_characters(value.replace("\n", " ").replace("\t", " ")):
        raise DomainError.single(
            field, ErrorCode.INVALID_FORMAT, expected="texto sin caracteres de control"
        )
    return reason


# The agreement ----------------------------------------------------------------------------------


def agreement_digest(text: str) -> str:
    """The hex SHA-256 of the exact UTF-8 text: what the user's signature covers."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_agreement_text(text: str) -> str:
    if not text.strip():
        raise DomainError.single("text", ErrorCode.REQUIRED)
    if len(text.strip()) < AGREEMENT_MIN_LENGTH:
        raise DomainError.single("text", ErrorCode.TOO_SHORT, min_length=AGREEMENT_MIN_LENGTH)
    if len(text) > AGREEMENT_MAX_LENGTH:
        raise DomainError.single("text", ErrorCode.TOO_LONG, max_length=AGREEMENT_MAX_LENGTH)
    if "\x00" in text:
        raise DomainError.single("text", ErrorCode.INVALID_FORMAT, expected="texto UTF-8")
    # Signed byte for byte: the text is stored exactly as given (no trimming).
    return text


def next_agreement_version(existing: Iterable[str], *, now: datetime) -> str:
    """Versions read "YYYY-NN": the year of publication and its sequence in that year."""
    year = now.astimezone(ECUADOR_TZ).year
    taken = {v for v in existing if v.startswith(f"{year}-")}
    number = 1
    while f"{year}-{number:02d}" in taken:
        number += 1
    return f"{year}-{number:02d}"


def agreement_pending(
    *,
    signed_version: str | None,
    signed_at: datetime | None,
    current_version: str | None,
    last_update_at: datetime | None,
) -> bool:
    """Pending until the current version is signed after the latest update: for a new user,
    after every successful "Modificar", and for everyone when a new version is published."""
    if current_version is None:
        return False
    if signed_version != current_version or signed_at is None:
        return True
    return last_update_at is not None and signed_at < last_update_at


# The yearly update --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnnualUpdateState:
    year: int
    status: AnnualUpdateStatus
    completed_at: datetime | None
    due_by: datetime


def local(moment: datetime) -> datetime:
    return moment.astimezone(ECUADOR_TZ)


def end_of_duty_month(year: int) -> datetime:
    """The last instant of January of `year`, Ecuador time."""
    return datetime(year, DUTY_MONTH + 1, 1, tzinfo=ECUADOR_TZ) - timedelta(microseconds=1)


def first_duty_year(registered_at: datetime) -> int:
    """An operator owes its first update the January after it registered."""
    return local(registered_at).year + 1


def completed_year(*, last_update_at: datetime | None, signed_at: datetime) -> int | None:
    """The year whose update a signature completes: a successful "Modificar" in January followed
    by the signed agreement in that same January (the guide's order)."""
    if last_update_at is None or signed_at < last_update_at:
        return None
    updated, signed = local(last_update_at), local(signed_at)
    if updated.month == DUTY_MONTH and signed.month == DUTY_MONTH and updated.year == signed.year:
        return updated.year
    return None


def annual_update_state(
    *,
    now: datetime,
    registered_at: datetime,
    completions: Mapping[int, datetime],
    disabled: bool,
    covered: bool,
) -> AnnualUpdateState:
    """Where an operator stands this year: UP_TO_DATE, DUE (January, not done), OVERDUE (January
    over, not done, not yet disabled) or DISABLED."""
    today = local(now)
    year = today.year
    if disabled:
        return AnnualUpdateState(
            year, AnnualUpdateStatus.DISABLED, completions.get(year), end_of_duty_month(year)
        )
    if not covered or year < first_duty_year(registered_at):
        next_year = max(year + 1, first_duty_year(registered_at))
        return AnnualUpdateState(
            year, AnnualUpdateStatus.UP_TO_DATE, None, end_of_duty_month(next_year)
        )
    if year in completions:
        return AnnualUpdateState(
            year, AnnualUpdateStatus.UP_TO_DATE, completions[year], end_of_duty_month(year + 1)
        )
    status = AnnualUpdateStatus.DUE if today.month == DUTY_MONTH else AnnualUpdateStatus.OVERDUE
    return AnnualUpdateState(year, status, None, end_of_duty_month(year))


def duty_is_over(*, year: int, now: datetime) -> bool:
    """Enforcement for `year` may run only once its January has ended in Ecuador."""
    return now > end_of_duty_month(year)


def must_be_disabled(
    *, year: int, registered_at: datetime, completions: Mapping[int, datetime], covered: bool
) -> bool:
    return covered and year >= first_duty_year(registered_at) and year not in completions


def reminder_due(
    *, now: datetime, registered_at: datetime, completions: Mapping[int, datetime], covered: bool
) -> bool:
    today = local(now)
    return (
        today.month == DUTY_MONTH
        and covered
        and today.year >= first_duty_year(registered_at)
        and today.year not in completions
    )
