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
    # Done after its January: it counts for its year ("deberá realizar en el mes de enero [...]
    # la actualización": late, but done), so the user ID is not disabled for that year.
    COMPLETED_LATE = "COMPLETED_LATE"
    DUE = "DUE"
    OVERDUE = "OVERDUE"
    DISABLED = "DISABLED"


class AnnualUpdateStep(StrEnum):
    """The guide's two steps of the yearly update, in order: "Modificar" with the data (steps
    4-5), then the agreement signed with the TOKEN (step 6); only both make it complete (step 7:
    "En el caso de que se hayan completado todos los pasos con éxito...")."""

    MODIFY = "MODIFY"
    SIGN_AGREEMENT = "SIGN_AGREEMENT"


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
            field,
            ErrorCode.INVALID_FORMAT,
            expected="texto sin caracteres de control",
            expected_en="text without control characters",
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
        raise DomainError.single(
            "text", ErrorCode.INVALID_FORMAT, expected="texto UTF-8", expected_en="UTF-8 text"
        )
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
    # Whether this year's update is owed at all (covered, and registered before this year).
    owed: bool = False
    # What is still to do for this year's update, in order (empty once done or when not owed).
    missing: tuple[AnnualUpdateStep, ...] = ()


def local(moment: datetime) -> datetime:
    return moment.astimezone(ECUADOR_TZ)


def end_of_duty_month(year: int) -> datetime:
    """The last instant of January of `year`, Ecuador time."""
    return datetime(year, DUTY_MONTH + 1, 1, tzinfo=ECUADOR_TZ) - timedelta(microseconds=1)


def first_duty_year(registered_at: datetime) -> int:
    """An operator owes its first update the January after it registered."""
    return local(registered_at).year + 1


def owes_annual_update(
    *, is_user: bool, covered_type: bool, needs_permission: bool, permission_granted: bool
) -> bool:
    """Whether the duty applies to a registration at all: the covered registration types (the
    resolution's OCE, a setting), never staff, and never an employee whose company has not
    granted it the "Modificar" option: refused the update (PERMISSION_NOT_GRANTED), it cannot be
    held to it."""
    return is_user and covered_type and (permission_granted or not needs_permission)


def completed_year(*, last_update_at: datetime | None, signed_at: datetime) -> int | None:
    """The year whose update a signature completes: a successful "Modificar" followed by the
    signed agreement (the guide's order), both in that year. In January it is on time; later it
    still counts for its year, late (`is_late`)."""
    if last_update_at is None or signed_at < last_update_at:
        return None
    updated, signed = local(last_update_at), local(signed_at)
    return updated.year if updated.year == signed.year else None


def is_late(*, year: int, completed_at: datetime) -> bool:
    return completed_at > end_of_duty_month(year)


def missing_steps(*, year: int, last_update_at: datetime | None) -> tuple[AnnualUpdateStep, ...]:
    """What an operator that has not completed `year` still has to do: "Modificar" unless one
    succeeded this year, and in any case the signature after it."""
    if last_update_at is not None and local(last_update_at).year == year:
        return (AnnualUpdateStep.SIGN_AGREEMENT,)
    return (AnnualUpdateStep.MODIFY, AnnualUpdateStep.SIGN_AGREEMENT)


def reactivation_grace_ends(
    *, year: int, reactivated_at: datetime | None, grace: timedelta
) -> datetime | None:
    """When the grace of an operator staff reactivated ends for `year`'s update: `grace` after
    its latest reactivation, if that reaches past `year`'s January. Reactivated without it, the
    next enforcement would disable it again before it could update; reactivated earlier, it had
    January itself. An employee whose company grants it the permission after January is in the
    same place, and gets the same grace from the grant. (An interpretation: the seeds do not
    speak of reactivation.)"""
    if reactivated_at is None:
        return None
    ends = reactivated_at + grace
    return ends if ends > end_of_duty_month(year) else None


def in_reactivation_grace(*, now: datetime, grace_ends_at: datetime | None) -> bool:
    return grace_ends_at is not None and now < grace_ends_at


def annual_update_state(
    *,
    now: datetime,
    registered_at: datetime,
    completions: Mapping[int, datetime],
    disabled: bool,
    covered: bool,
    last_update_at: datetime | None = None,
    grace_ends_at: datetime | None = None,
) -> AnnualUpdateState:
    """Where an operator stands this year: UP_TO_DATE, COMPLETED_LATE (done after January),
    DUE (January, not done), OVERDUE (January over, not done, not yet disabled) or DISABLED.
    Owed and not done, it is due by the end of January, or by `grace_ends_at` (the year's
    `reactivation_grace_ends`) when staff reactivated it."""
    today = local(now)
    year = today.year
    owed = covered and year >= first_duty_year(registered_at)
    done = completions.get(year)
    missing = (
        ()
        if done is not None or not owed
        else missing_steps(year=year, last_update_at=last_update_at)
    )
    if disabled:
        return AnnualUpdateState(
            year, AnnualUpdateStatus.DISABLED, done, end_of_duty_month(year), owed, missing
        )
    if not owed:
        next_year = max(year + 1, first_duty_year(registered_at))
        return AnnualUpdateState(
            year, AnnualUpdateStatus.UP_TO_DATE, None, end_of_duty_month(next_year)
        )
    if done is not None:
        status = (
            AnnualUpdateStatus.COMPLETED_LATE
            if is_late(year=year, completed_at=done)
            else AnnualUpdateStatus.UP_TO_DATE
        )
        return AnnualUpdateState(year, status, done, end_of_duty_month(year + 1), owed)
    status = AnnualUpdateStatus.DUE if today.month == DUTY_MONTH else AnnualUpdateStatus.OVERDUE
    due_by = grace_ends_at if grace_ends_at is not None else end_of_duty_month(year)
    return AnnualUpdateState(year, status, None, due_by, owed, missing)


def duty_is_over(*, year: int, now: datetime) -> bool:
    """Enforcement for `year` may run only once its January has ended in Ecuador."""
    return now > end_of_duty_month(year)


def must_be_disabled(
    *, year: int, registered_at: datetime, completions: Mapping[int, datetime], covered: bool
) -> bool:
    """Owed and not completed: a completion, on time or late, keeps the user ID for its year.
    (One still `in_reactivation_grace` is left to update first.)"""
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


class SigningOutcome(StrEnum):
    """What a signature of the agreement leaves the user with, for the answer it gets."""

    # The guide's step 7: every step done, "Su actualización de Datos se ha realizado con éxito".
    UPDATE_COMPLETE = "UPDATE_COMPLETE"
    # As complete, after January: counts for its year, late.
    UPDATE_COMPLETE_LATE = "UPDATE_COMPLETE_LATE"
    # Signed, but this year's update is still missing "Modificar" (then the signature again).
    UPDATE_INCOMPLETE = "UPDATE_INCOMPLETE"
    # Signed where no update is owed nor was made: only the agreement is done.
    AGREEMENT_ONLY = "AGREEMENT_ONLY"
    # Nothing signed anew: this version was signed after the latest "Modificar".
    ALREADY_SIGNED = "ALREADY_SIGNED"
    # As ALREADY_SIGNED, while this year's update still misses "Modificar": a signature of an
    # earlier year does not complete it, and the user must not read the answer as done.
    ALREADY_SIGNED_UPDATE_MISSING = "ALREADY_SIGNED_UPDATE_MISSING"


def signing_outcome(state: AnnualUpdateState, *, followed_an_update: bool) -> SigningOutcome:
    """Success is said only when the update is complete: for an operator that owes this year's
    update, when this year's is recorded; for one that owes none, when the signature follows a
    "Modificar" (the guide's steps 4-6 done)."""
    if state.owed:
        if state.completed_at is None:
            return SigningOutcome.UPDATE_INCOMPLETE
        if is_late(year=state.year, completed_at=state.completed_at):
            return SigningOutcome.UPDATE_COMPLETE_LATE
        return SigningOutcome.UPDATE_COMPLETE
    return SigningOutcome.UPDATE_COMPLETE if followed_an_update else SigningOutcome.AGREEMENT_ONLY


def already_signed_outcome(state: AnnualUpdateState) -> SigningOutcome:
    """A signature of what is already signed records nothing; its answer still says what this
    year's update misses, if anything."""
    if state.missing:
        return SigningOutcome.ALREADY_SIGNED_UPDATE_MISSING
    return SigningOutcome.ALREADY_SIGNED
