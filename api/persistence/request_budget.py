"""The request budget's counts: shared by every API process through Redis, yet not a Redis round
trip per request.

A round trip per request cost more than the rest of a `me` request's I/O together (the budget is
spent before anything else runs; docs/performance.md). So each process counts its own requests
and adds them to the shared count in the background, every `FLUSH_SECONDS`, in one pipeline for
every client it saw; the reply tells it what the other processes counted.

- Windows are the minutes of the wall clock, the same for every process, so that all of them add
  to one key per client and minute.
- A client's first request in a window waits for Redis (it is counted there at once, and the
  answer brings what the other processes counted), and those that arrive meanwhile wait with
  it; the later ones are counted here.
- Within one process the count is exact, however many requests arrive at once. Across processes
  a client can get more than the budget only by what the others let through since their last
  flush: at most `FLUSH_SECONDS` of its requests.
- If Redis does not answer, the first request of a window goes through, and the process goes on
  counting on its own, sending its counts again every flush until Redis answers.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import redis.exceptions

from api.persistence.rate_limits import Limit, LimitState
from api.persistence.redis_store import Keys, Redis

log = logging.getLogger("api.budget")

BUDGET_WINDOW_SECONDS: Final = 60
FLUSH_SECONDS: Final = 0.1
# Clients followed at once; beyond it, those with nothing to send are forgotten, so a flood of
# addresses cannot grow the process's memory without end. A forgotten client's next request
# waits for Redis again, which still knows its count.
MAX_TRACKED_CLIENTS: Final = 100_000
UNAVAILABLE: Final = (redis.exceptions.RedisError, OSError)


def request_budget(per_minute: int) -> Limit:
    """The budget of requests per client address and minute: HTTP requests and WebSocket
    connections (api/http_guards.py) and every operation sent over a WebSocket
    (api/graphql/websocket_operations.py) spend it."""
    return Limit("budget", max_events=per_minute, window_seconds=BUDGET_WINDOW_SECONDS)


@dataclass(slots=True)
class _Tally:
    """One client's count in one window, as this process knows it."""

    window: int
    # The shared count as Redis last reported it (this process's flushed requests included).
    shared: int = 0
    # Counted here and not yet sent; sent and not yet acknowledged.
    unsent: int = 0
    sending: int = 0
    # The window's first request asks Redis; those that come meanwhile wait for its answer (or
    # its failure), then count here, each after the one before it.
    asking: bool = False
    known: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def count(self) -> int:
        return self.shared + self.sending + self.unsent


@dataclass
class RequestBudgetCounter:
    redis: Redis
    keys: Keys
    limit: Limit
    wall_clock: Callable[[], float] = time.time
    _tallies: dict[str, _Tally] = field(default_factory=dict, init=False)
    _flush: asyncio.Task[None] | None = field(default=None, init=False)
    _failing: bool = field(default=False, init=False)

    @property
    def tracked_clients(self) -> int:
        """How many clients this process follows now (bounded by `MAX_TRACKED_CLIENTS`)."""
        return len(self._tallies)

    def _window(self, now: float) -> int:
        return int(now // self.limit.window_seconds)

    def _retry_after(self, now: float, window: int) -> int:
        return max(math.ceil((window + 1) * self.limit.window_seconds - now), 1)

    def _key(self, client: str, window: int) -> str:
        return self.keys.rate(self.limit.bucket, f"{client}:{window}")

    async def hit(self, client: str) -> LimitState:
        """Counts one request of `client` and reports the window's count."""
        now = self.wall_clock()
        window = self._window(now)
        tally = self._tallies.get(client)
        if tally is None or tally.window != window:
            tally = self._tallies[client] = _Tally(window)
        if not tally.known.is_set():
            if not tally.asking:
                return await self._first(client, tally, now)
            await tally.known.wait()
        tally.unsent += 1
        self._schedule_flush()
        return LimitState(count=tally.count, retry_after=self._retry_after(now, window))

    async def _first(self, client: str, tally: _Tally, now: float) -> LimitState:
        """The window's first request, counted in Redis: the answer brings what the other
        processes counted."""
        tally.asking = True
        try:
            [total] = await self._add([(client, tally.window, 1)])
            tally.shared = max(tally.shared, total)
        except UNAVAILABLE:
            # Counted here, and sent by a later flush.
            tally.unsent += 1
            self._schedule_flush()
            raise
        finally:
            tally.known.set()
        return LimitState(count=tally.count, retry_after=self._retry_after(now, tally.window))

    async def _add(self, counts: Sequence[tuple[str, int, int]]) -> list[int]:
        """Adds each (client, window, count) to its shared key in one pipeline; the totals."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for client, window, count in counts:
                key = self._key(client, window)
                pipe.incrby(key, count)
                # Kept a window longer than it counts: a late flush still finds it.
                pipe.expire(key, 2 * self.limit.window_seconds)
            replies = await pipe.execute()
        return [int(total) for total in replies[::2]]

    def _schedule_flush(self) -> None:
        if self._flush is None:
            self._flush = asyncio.get_running_loop().create_task(
                self._flush_later(), name="request-budget-flush"
            )

    async def _flush_later(self) -> None:
        try:
            await asyncio.sleep(FLUSH_SECONDS)
            await self.flush()
        finally:
            self._flush = None
        if any(tally.unsent for tally in self._tallies.values()):
            self._schedule_flush()

    async def flush(self) -> None:
        """Sends what was counted here since the last flush, learns the shared counts, and then
        forgets the windows that have ended."""
        try:
            await self._send()
        finally:
            self._forget(self._window(self.wall_clock()))

    async def _send(self) -> None:
        batch = [(client, tally) for client, tally in self._tallies.items() if tally.unsent]
        if not batch:
            return
        for _, tally in batch:
            tally.sending, tally.unsent = tally.unsent, 0
        try:
            totals = await self._add([(client, t.window, t.sending) for client, t in batch])
        except UNAVAILABLE as error:
            if not self._failing:
                log.warning("request budget counted in this process only: %s", type(error).__name__)
            self._failing = True
            # Still counted here, and sent again with the next flush.
            for _, tally in batch:
                tally.unsent += tally.sending
                tally.sending = 0
            return
        if self._failing:
            log.info("request budget shared again")
        self._failing = False
        for (_, tally), total in zip(batch, totals, strict=True):
            tally.shared = max(tally.shared + tally.sending, total)
            tally.sending = 0

    def _forget(self, current: int) -> None:
        """Drops the windows that have ended (what could not be sent of them no longer counts)
        and, over the bound, the clients with nothing to send."""
        ended = [c for c, t in self._tallies.items() if t.window < current and not t.sending]
        for client in ended:
            del self._tallies[client]
        if len(self._tallies) > MAX_TRACKED_CLIENTS:
            idle = [c for c, t in self._tallies.items() if not t.unsent and not t.sending]
            for client in idle:
                del self._tallies[client]

    async def close(self) -> None:
        """Sends what is left (best effort: a process that stops loses at most a flush's
        counts)."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        await self.flush()
