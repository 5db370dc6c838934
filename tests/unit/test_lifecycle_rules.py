"""The pure rules of the lifecycle: the yearly update's calendar, the agreement's pending state,
deregistration reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.domain.errors import DomainError, ErrorCode
from api.domain.lifecycle import (
    ECUADOR_TZ,
    AnnualUpdateState,
    AnnualUpdateStatus,
    AnnualUpdateStep,
    SigningOutcome,
    agreement_pending,
    annual_update_state,
    clean_reason,
    completed_year,
    duty_is_over,
    first_duty_year,
    missing_steps,
    must_be_disabled,
    next_agreement_version,
    owes_annual_update,
    reminder_due,
    signing_outcome,
)


def ec(*args: int) -> datetime:
    return datetime(*args, tzinfo=ECUADOR_TZ)  # type: ignore[misc, arg-type]


REGISTERED_2025 = ec(2025, 6, 1)


def state(
    now: datetime, completions: dict[int, datetime] | None = None, **kw: object
) -> AnnualUpdateStatus:
    return annual_update_state(
        now=now,
        registered_at=kw.get("registered_at", REGISTERED_2025),  # type: ignore[arg-type]
        completions=completions or {},
        disabled=bool(kw.get("disabled", False)),
        covered=bool(kw.get("covered", True)),
    ).status


def test_an_operator_owes_its_first_update_the_january_after_it_registered() -> None:
    assert first_duty_year(ec(2025, 1, 15)) == 2026
    assert first_duty_year(ec(2025, 12, 31, 23, 0)) == 2026
    assert state(ec(2025, 12, 1)) is AnnualUpdateStatus.UP_TO_DATE
    assert state(ec(2026, 1, 10)) is AnnualUpdateStatus.DUE


def test_january_not_done_is_due_and_after_january_overdue() -> None:
    assert state(ec(2026, 1, 31, 23, 59)) is AnnualUpdateStatus.DUE
    assert state(ec(2026, 2, 1, 0, 0)) is AnnualUpdateStatus.OVERDUE


def test_january_is_ecuadors_january_not_utc() -> None:
    # 2026-02-01 03:00 UTC is still 31 January 22:00 in Guayaquil.
    assert state(datetime(2026, 2, 1, 3, 0, tzinfo=UTC)) is AnnualUpdateStatus.DUE


def test_a_completed_update_is_up_to_date_with_its_time() -> None:
    done = ec(2026, 1, 20)
    result = annual_update_state(
        now=ec(2026, 3, 1),
        registered_at=REGISTERED_2025,
        completions={2026: done},
        disabled=False,
        covered=True,
    )
    assert result.status is AnnualUpdateStatus.UP_TO_DATE
    assert result.completed_at == done


def test_disabled_and_not_covered_operators() -> None:
    assert state(ec(2026, 1, 5), disabled=True) is AnnualUpdateStatus.DISABLED
    assert state(ec(2026, 3, 5), covered=False) is AnnualUpdateStatus.UP_TO_DATE


def test_a_signature_after_an_update_of_the_same_year_completes_that_year() -> None:
    assert completed_year(last_update_at=ec(2026, 1, 10), signed_at=ec(2026, 1, 10, 0, 5)) == 2026
    # Late, but complete: it counts for its year.
    assert completed_year(last_update_at=ec(2026, 1, 10), signed_at=ec(2026, 2, 1)) == 2026
    assert completed_year(last_update_at=ec(2026, 3, 10), signed_at=ec(2026, 3, 10, 0, 5)) == 2026
    assert completed_year(last_update_at=ec(2025, 12, 30), signed_at=ec(2026, 1, 2)) is None
    assert completed_year(last_update_at=None, signed_at=ec(2026, 1, 2)) is None
    assert completed_year(last_update_at=ec(2026, 1, 10), signed_at=ec(2026, 1, 9)) is None


def test_an_update_completed_after_january_is_completed_late_and_never_disabled_for() -> None:
    done = ec(2026, 2, 1, 0, 0)
    assert state(ec(2026, 3, 1), {2026: done}) is AnnualUpdateStatus.COMPLETED_LATE
    assert state(ec(2026, 3, 1), {2026: ec(2026, 1, 31, 23, 59)}) is AnnualUpdateStatus.UP_TO_DATE
    assert not must_be_disabled(
        year=2026, registered_at=REGISTERED_2025, completions={2026: done}, covered=True
    )


def test_what_is_missing_is_modify_then_sign_or_only_the_signature_after_this_years_update() -> (
    None
):
    both = (AnnualUpdateStep.MODIFY, AnnualUpdateStep.SIGN_AGREEMENT)
    assert missing_steps(year=2026, last_update_at=None) == both
    assert missing_steps(year=2026, last_update_at=ec(2025, 12, 20)) == both
    assert missing_steps(year=2026, last_update_at=ec(2026, 1, 4)) == (
        AnnualUpdateStep.SIGN_AGREEMENT,
    )
    due = annual_update_state(
        now=ec(2026, 1, 5),
        registered_at=REGISTERED_2025,
        completions={},
        disabled=False,
        covered=True,
        last_update_at=ec(2026, 1, 4),
    )
    assert due.missing == (AnnualUpdateStep.SIGN_AGREEMENT,)
    done = annual_update_state(
        now=ec(2026, 1, 5),
        registered_at=REGISTERED_2025,
        completions={2026: ec(2026, 1, 4)},
        disabled=False,
        covered=True,
    )
    assert done.missing == ()


def owed_state(
    now: datetime, completions: dict[int, datetime], covered: bool = True
) -> AnnualUpdateState:
    return annual_update_state(
        now=now,
        registered_at=REGISTERED_2025,
        completions=completions,
        disabled=False,
        covered=covered,
    )


def test_signing_says_success_only_when_the_update_is_complete() -> None:
    def outcome(state: AnnualUpdateState, followed_an_update: bool = True) -> SigningOutcome:
        return signing_outcome(state, followed_an_update=followed_an_update)

    january, march = ec(2026, 1, 5), ec(2026, 3, 5)
    assert outcome(owed_state(january, {})) is SigningOutcome.UPDATE_INCOMPLETE
    assert outcome(owed_state(march, {})) is SigningOutcome.UPDATE_INCOMPLETE
    assert outcome(owed_state(january, {2026: january})) is SigningOutcome.UPDATE_COMPLETE
    assert outcome(owed_state(march, {2026: march})) is SigningOutcome.UPDATE_COMPLETE_LATE
    not_owed = owed_state(march, {}, covered=False)
    assert outcome(not_owed) is SigningOutcome.UPDATE_COMPLETE
    assert outcome(not_owed, followed_an_update=False) is SigningOutcome.AGREEMENT_ONLY


def test_the_duty_spares_staff_uncovered_types_and_employees_without_permission() -> None:
    assert owes_annual_update(
        is_user=True, covered_type=True, needs_permission=False, permission_granted=False
    )
    assert owes_annual_update(
        is_user=True, covered_type=True, needs_permission=True, permission_granted=True
    )
    assert not owes_annual_update(
        is_user=True, covered_type=True, needs_permission=True, permission_granted=False
    )
    assert not owes_annual_update(
        is_user=False, covered_type=True, needs_permission=False, permission_granted=False
    )
    assert not owes_annual_update(
        is_user=True, covered_type=False, needs_permission=False, permission_granted=True
    )


def test_enforcement_waits_for_the_end_of_january() -> None:
    assert not duty_is_over(year=2026, now=ec(2026, 1, 31, 23, 59))
    assert duty_is_over(year=2026, now=ec(2026, 2, 1, 0, 1))


def test_must_be_disabled_only_when_owed_and_not_done() -> None:
    assert must_be_disabled(year=2026, registered_at=REGISTERED_2025, completions={}, covered=True)
    assert not must_be_disabled(
        year=2026, registered_at=REGISTERED_2025, completions={2026: ec(2026, 1, 3)}, covered=True
    )
    assert not must_be_disabled(
        year=2026, registered_at=ec(2026, 1, 5), completions={}, covered=True
    )
    assert not must_be_disabled(
        year=2026, registered_at=REGISTERED_2025, completions={}, covered=False
    )


def test_reminders_only_in_january_to_those_who_owe() -> None:
    assert reminder_due(
        now=ec(2026, 1, 3), registered_at=REGISTERED_2025, completions={}, covered=True
    )
    assert not reminder_due(
        now=ec(2026, 2, 3), registered_at=REGISTERED_2025, completions={}, covered=True
    )
    assert not reminder_due(
        now=ec(2026, 1, 3),
        registered_at=REGISTERED_2025,
        completions={2026: ec(2026, 1, 2)},
        covered=True,
    )


def test_the_agreement_is_pending_for_a_new_user_after_an_update_and_after_a_new_version() -> None:
    signed = ec(2026, 1, 10)
    assert agreement_pending(
        signed_version=None, signed_at=None, current_version="2026-01", last_update_at=None
    )
    assert not agreement_pending(
        signed_version="2026-01",
        signed_at=signed,
        current_version="2026-01",
        last_update_at=ec(2026, 1, 9),
    )
    assert agreement_pending(
        signed_version="2026-01",
        signed_at=signed,
        current_version="2026-01",
        last_update_at=ec(2026, 1, 11),
    )
    assert agreement_pending(
        signed_version="2026-01", signed_at=signed, current_version="2026-02", last_update_at=None
    )


def test_agreement_versions_count_within_their_year() -> None:
    assert next_agreement_version([], now=ec(2027, 3, 1)) == "2027-01"
    assert next_agreement_version(["2026-01", "2027-01"], now=ec(2027, 3, 1)) == "2027-02"


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("   ", ErrorCode.REQUIRED),
        ("x" * 501, ErrorCode.TOO_LONG),
        ("a\x00b", ErrorCode.INVALID_FORMAT),
    ],
)
def test_a_deregistration_reason_must_be_present_bounded_and_clean(
    reason: str, code: ErrorCode
) -> None:
    with pytest.raises(DomainError) as refused:
        clean_reason(reason)
    assert refused.value.errors[0].code is code


def test_a_deregistration_reason_is_trimmed() -> None:
    assert clean_reason("  Cierre de\n la empresa  ") == "Cierre de la empresa"
