"""The per-process fan-out: filters, and a slow subscriber never slows the others."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from api.domain.events import EventFilter, OperatorEventData, event_cursor, sequence_of
from api.services.events import Subscriber, SubscriberOverflow


def event(
    sequence: int, *, operator_id: int = 1, kind: str = "OPERATOR_UPDATED"
) -> OperatorEventData:
    return OperatorEventData(
        sequence=sequence,
        event_id=f"id-{sequence}",
        event_type=kind,
        operator_id=operator_id,
        user_id="USUARIO01",
        actor="SYSTEM",
        occurred_at=datetime(2027, 1, 5, tzinfo=UTC),
        changes=(),
    )


def test_a_subscriber_that_falls_too_far_behind_is_told_to_resume_and_gets_nothing_more() -> None:
    slow = Subscriber(
        filter=EventFilter(operator_id=None, types=None), queue=asyncio.Queue(maxsize=3)
    )
    fast = Subscriber(
        filter=EventFilter(operator_id=None, types=None), queue=asyncio.Queue(maxsize=100)
    )
    for n in range(1, 6):
        slow.offer(event(n))  # never blocks, whatever the reader does
        fast.offer(event(n))
    assert slow.failed
    assert slow.queue.qsize() == 1
    assert isinstance(slow.queue.get_nowait(), SubscriberOverflow)
    slow.offer(event(6))
    assert slow.queue.empty()
    assert fast.queue.qsize() == 5


def test_a_user_filter_keeps_only_its_own_events_and_types() -> None:
    own = Subscriber(
        filter=EventFilter(operator_id=7, types=frozenset({"EMAIL_CHANGED"})), queue=asyncio.Queue()
    )
    own.offer(event(1, operator_id=8, kind="EMAIL_CHANGED"))
    own.offer(event(2, operator_id=7, kind="OPERATOR_UPDATED"))
    own.offer(event(3, operator_id=7, kind="EMAIL_CHANGED"))
    assert own.queue.qsize() == 1
    received = own.queue.get_nowait()
    assert isinstance(received, OperatorEventData)
    assert received.sequence == 3


def test_cursors_are_opaque_and_round_trip_in_order() -> None:
    assert sequence_of(event_cursor(41)) == 41
    assert event_cursor(9) != "9"
