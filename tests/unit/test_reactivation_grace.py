"""The grace of a reactivated operator: `grace` after staff's reactivation, when that reaches past
the year's January; the yearly enforcement leaves it alone until then, and the deadline its
annual update state tells is the grace's."""

from __future__ import annotations

from datetime import datetime, timedelta

from api.domain.lifecycle import (
    ECUADOR_TZ,
    AnnualUpdateStatus,
    annual_update_state,
    end_of_duty_month,
    in_reactivation_grace,
    reactivation_grace_ends,
)

GRACE = timedelta(days=15)
REGISTERED = datetime(2025, 6, 1, tzinfo=ECUADOR_TZ)


def ec(*args: int) -> datetime:
    return datetime(*args, tzinfo=ECUADOR_TZ)  # type: ignore[misc, arg-type]


def test_a_reactivation_after_january_gives_the_grace_from_the_reactivation() -> None:
    assert reactivation_grace_ends(year=2027, reactivated_at=ec(2027, 2, 10, 9), grace=GRACE) == ec(
        2027, 2, 25, 9
    )


def test_a_reactivation_near_the_end_of_january_carries_its_grace_into_february() -> None:
    assert reactivation_grace_ends(year=2027, reactivated_at=ec(2027, 1, 25), grace=GRACE) == ec(
        2027, 2, 9
    )


def test_a_reactivation_that_left_january_to_update_gives_no_grace() -> None:
    for reactivated_at in (ec(2027, 1, 5), ec(2026, 3, 1), ec(2026, 12, 20)):
        assert (
            reactivation_grace_ends(year=2027, reactivated_at=reactivated_at, grace=GRACE) is None
        )


def test_never_reactivated_means_no_grace() -> None:
    assert reactivation_grace_ends(year=2027, reactivated_at=None, grace=GRACE) is None


def test_the_grace_holds_until_its_last_instant_and_not_at_its_end() -> None:
    ends = ec(2027, 2, 25, 9)
    assert in_reactivation_grace(now=ends - timedelta(microseconds=1), grace_ends_at=ends)
    assert not in_reactivation_grace(now=ends, grace_ends_at=ends)
    assert not in_reactivation_grace(now=ec(2027, 2, 11), grace_ends_at=None)


def test_a_grace_of_zero_days_ends_at_the_reactivation() -> None:
    reactivated_at = ec(2027, 2, 10, 9)
    ends = reactivation_grace_ends(year=2027, reactivated_at=reactivated_at, grace=timedelta())
    assert not in_reactivation_grace(now=reactivated_at, grace_ends_at=ends)


def test_an_overdue_operator_in_its_grace_is_told_the_graces_end_as_its_deadline() -> None:
    ends = ec(2027, 2, 25, 9)
    state = annual_update_state(
        now=ec(2027, 2, 11),
        registered_at=REGISTERED,
        completions={},
        disabled=False,
        covered=True,
        grace_ends_at=ends,
    )
    assert state.status is AnnualUpdateStatus.OVERDUE
    assert state.due_by == ends
    without = annual_update_state(
        now=ec(2027, 2, 11), registered_at=REGISTERED, completions={}, disabled=False, covered=True
    )
    assert without.due_by == end_of_duty_month(2027)


def test_a_completed_update_is_due_next_january_whatever_the_grace() -> None:
    state = annual_update_state(
        now=ec(2027, 2, 11),
        registered_at=REGISTERED,
        completions={2027: ec(2027, 2, 10, 12)},
        disabled=False,
        covered=True,
        grace_ends_at=ec(2027, 2, 25, 9),
    )
    assert state.status is AnnualUpdateStatus.COMPLETED_LATE
    assert state.due_by == end_of_duty_month(2028)
