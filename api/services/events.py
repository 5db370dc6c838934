"""Partner events end to end: the relay (outbox → Redis Stream), the per-process hub (one blocking
XREAD fanned out to this process's subscribers) and the subscription (replay, then live).

Why it never loses an event:
- a change and its event commit together (the outbox), in sequence order (see `lock_outbox`);
- the relay publishes committed rows in order under a database lock, with stream IDs equal to the
  sequence, so two relays can neither reorder nor duplicate;
- a subscriber joins the hub first, then replays from the table everything after its cursor, then
  takes live events, dropping those its replay already gave: no gap and no duplicate at the seam;
- Redis down: changes still commit; the relay catches up when Redis returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import redis.exceptions

from api.domain.events import EventFilter, OperatorEventData
from api.persistence.event_stream import EventStream
from api.persistence.outbox import (
    committed_up_to,
    event_by_id,
    events_after,
    last_sequence,
    try_relay_lock,
)
from api.services.container import Services

log = logging.getLogger("api.events")

RELAY_BATCH = 500
RELAY_IDLE_SECONDS = 0.2
HUB_BLOCK_MS = 2000
REPLAY_BATCH = 500
RETRY_SECONDS = 1.0


def event_stream(services: Services, *, blocking: bool = False) -> EventStream:
    return EventStream(
        services.blocking_redis if blocking else services.redis,
        services.keys,
        max_length=services.settings.event_stream_max_length,
    )


async def relay_once(services: Services) -> int:
    """Publish the committed outbox rows the stream does not have yet; returns how many."""
    stream = event_stream(services)
    if await stream_is_complete(services, stream):
        return 0
    async with services.transaction() as session:
        if not await try_relay_lock(session):
            return 0  # another process is relaying right now
        published_up_to = await stream.last_sequence()
        if published_up_to is None:
            # A new (or emptied) Redis: the table serves old history, the stream needs only the
            # recent tail that live readers and short replays use.
            published_up_to = max(0, await last_sequence(session) - stream.max_length)
        batch = await events_after(session, sequence=published_up_to, limit=RELAY_BATCH)
        return await stream.publish(batch) if batch else 0


async def stream_is_complete(services: Services, stream: EventStream) -> bool:
    """Whether the stream already holds every committed event: one Redis read and one database
    read, without the transaction and lock of a batch.

    An idle relay wakes every `RELAY_IDLE_SECONDS`, and at every commit of this process (its
    own batches', the webhook worker's, the notices'); most wakes find nothing new. As a batch,
    each cost a transaction, the lock and two reads through the ORM (2.4 ms of CPU, a core's
    1.2 % at five wakes a second, docs/performance.md). A row committed after the check is
    the next wake's, as a row committed after a batch's snapshot always was."""
    # None: a new or emptied Redis, whose stream the next batch starts wherever there are events.
    published = await stream.last_sequence() or 0
    async with services.connected() as connection:
        return await committed_up_to(connection) <= published


async def run_relay(services: Services, stop: asyncio.Event) -> None:
    """Relay until `stop`; wakes at once when this process commits, polls for the others."""
    while not stop.is_set():
        try:
            published = await relay_once(services)
        except Exception as error:
            log.warning("relay paused: %s", type(error).__name__)
            await _sleep_or_stop(stop, RETRY_SECONDS)
            continue
        if published >= RELAY_BATCH:
            continue
        services.outbox_written.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                _first_of(stop.wait(), services.outbox_written.wait()), timeout=RELAY_IDLE_SECONDS
            )


async def _first_of(*waits: object) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]  # type: ignore[call-overload]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


class SubscriberOverflow(Exception):
    """The subscriber fell too far behind; it may resume from its last cursor."""


class StreamUnavailable(Exception):
    """The event stream (Redis) is unreachable; the subscriber may reconnect with its cursor."""


class TooManySubscriptions(Exception):
    """The caller already holds as many subscriptions in this process as it may."""


@dataclass(eq=False)
class Subscriber:
    filter: EventFilter
    queue: asyncio.Queue[OperatorEventData | BaseException]
    # Who holds it ("partner:<key id>", "operator:<id>"): subscriptions are capped per holder.
    owner: str = ""
    failed: bool = False

    def offer(self, item: OperatorEventData | BaseException) -> None:
        if self.failed:
            return
        if isinstance(item, OperatorEventData) and not self.filter.matches(item):
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            # Never wait for a slow reader: drop it with a reason instead of slowing the others.
            self.failed = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(SubscriberOverflow())


class EventHub:
    """One blocking XREAD per process, fanned out to this process's subscribers."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.subscribers: set[Subscriber] = set()

    def subscribe(self, event_filter: EventFilter, *, owner: str) -> Subscriber:
        """A new subscriber of this process's feed, refused (TooManySubscriptions) when `owner`
        already holds `MAX_SUBSCRIPTIONS_PER_CALLER`: one caller cannot fill the process's
        memory with subscriptions. None of them holds a Redis connection: the hub reads the
        stream once for all."""
        limit = self.services.settings.max_subscriptions_per_caller
        if sum(1 for s in self.subscribers if s.owner == owner) >= limit:
            raise TooManySubscriptions(owner)
        subscriber = Subscriber(
            filter=event_filter,
            queue=asyncio.Queue(maxsize=self.services.settings.subscriber_buffer),
            owner=owner,
        )
        self.subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    def _broadcast(self, item: OperatorEventData | BaseException) -> None:
        for subscriber in list(self.subscribers):
            subscriber.offer(item)

    async def run(self, stop: asyncio.Event) -> None:
        stream = event_stream(self.services, blocking=True)
        last_id: str | None = None
        while not stop.is_set():
            try:
                if last_id is None:
                    last_id = await stream.last_id()
                entries = await stream.read_after(last_id, block_ms=HUB_BLOCK_MS, count=500)
            except (redis.exceptions.RedisError, OSError) as error:
                log.warning("event stream unavailable: %s", type(error).__name__)
                self._broadcast(StreamUnavailable())
                # Keep `last_id`: after the outage the relay republishes what was missed, and
                # reading on from here delivers it to whoever subscribed in the meantime.
                await _sleep_or_stop(stop, RETRY_SECONDS)
                continue
            for entry_id, event in entries:
                last_id = entry_id
                self._broadcast(event)


async def replay(
    services: Services, *, after_sequence: int, event_filter: EventFilter
) -> AsyncIterator[OperatorEventData]:
    """Everything after a cursor, from the outbox table (the owner of history), in order."""
    sequence = after_sequence
    while True:
        async with services.reading() as session:
            batch = await events_after(
                session, sequence=sequence, limit=REPLAY_BATCH, operator_id=event_filter.operator_id
            )
        for event in batch:
            sequence = event.sequence
            if event_filter.matches(event):
                yield event
        if len(batch) < REPLAY_BATCH:
            return


async def current_sequence(services: Services) -> int:
    async with services.reading() as session:
        return await last_sequence(session)


async def event(services: Services, event_id: str) -> OperatorEventData | None:
    """One committed event by its id (the outbox keeps every event)."""
    async with services.reading() as session:
        return await event_by_id(session, event_id)
